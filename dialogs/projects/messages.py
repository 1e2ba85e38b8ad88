"""The project's proactive messages (core.projects.ports.ProjectMessages): review requests, approvals and
returns, join requests, evaluations to score, the summary being ready, and the quick-update nudge."""

from __future__ import annotations

from core.kernel.content import Content
from core.kernel.model import OutboundMessage, User
from core.projects.model import Project
from dialogs.kit import cards
from dialogs.projects import evaluation, progress, review, search, view
from dialogs.projects.common import summary_facts, text_input
from dialogs.projects.pages import summary_url


class ProjectCards:
    """Built once in the composition root (bot/registry.py) with the content and the signed links."""

    def __init__(self, content: Content, links=None) -> None:
        self.content = content
        self.links = links

    def join_request(self, project: Project, asker: User) -> OutboundMessage:
        return OutboundMessage(
            card=cards.card(
                cards.text(
                    f"**{asker.name or 'A colleague'}** asks to join the team of your project **{project.title}**."
                    " Team members can add data, PDSA cycles and the progress score."
                ),
                text_input("role", "Their role on the team", None, max_length=120, placeholder="e.g. Staff nurse"),
                actions=[
                    cards.execute(
                        "Add to the team",
                        search.accept,
                        {"project_id": project.id, "member_id": asker.id},
                        style="positive",
                    )
                ],
            )
        )

    def returned(self, project: Project) -> OutboundMessage:
        return OutboundMessage(
            card=cards.card(
                cards.notice(f"Your project '{project.title}' needs a few changes before approval.", good=False),
                cards.facts([("Your coach says", project.approval_comment or "")]),
                actions=[cards.execute("Edit and resubmit", view.open_project, {"project_id": project.id})],
            )
        )

    def evaluation_request(self, project: Project) -> OutboundMessage:
        return OutboundMessage(
            card=cards.card(
                cards.text(
                    f"**{project.title}** is complete and its lead has written the evaluation. Please score it."
                ),
                actions=[cards.execute("Score the evaluation", evaluation.rubric_form, {"project_id": project.id})],
            )
        )

    def summary_ready(self, project: Project) -> OutboundMessage:
        actions = []
        if self.links is not None:
            url = summary_url(self.links, project.id, since=project.updated_at)
            actions.append({"type": "Action.OpenUrl", "title": "Open the one-page summary", "url": url})
        return OutboundMessage(
            card=cards.card(
                cards.notice(f"Your coach has scored the evaluation of '{project.title}'."),
                cards.text("Your one-page summary is ready: print it as a draft poster for the celebration day."),
                actions=actions or None,
            )
        )

    def review_request(self, project: Project) -> OutboundMessage:
        return OutboundMessage(
            card=cards.card(
                cards.text(f"A QI project was submitted for your approval: **{project.title}**"),
                summary_facts(self.content, project, private=True),
                actions=[cards.execute("Review", review.approve_form, {"project_id": project.id})],
            )
        )

    def approved(self, project: Project) -> OutboundMessage:
        comment = f" Comment: {project.approval_comment}" if project.approval_comment else ""
        return OutboundMessage(
            card=cards.card(
                cards.notice(f"Your project '{project.title}' was approved.{comment}"),
                actions=[cards.execute("Open project", view.open_project, {"project_id": project.id})],
            )
        )

    def stale(self, project: Project) -> OutboundMessage:
        return OutboundMessage(
            card=cards.card(
                cards.text(
                    f"Your QI project **{project.title}** has had no update for a while. A quick update keeps "
                    "its evidence current:"
                ),
                actions=[
                    cards.execute("Add data", progress.data_form, {"project_id": project.id}),
                    cards.execute("Progress score", progress.score_form, {"project_id": project.id}),
                    cards.execute("Log a PDSA", progress.pdsa_form, {"project_id": project.id}),
                ],
            )
        )
