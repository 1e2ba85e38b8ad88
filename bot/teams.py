"""The Teams bot: turns activities into dialog turns, and dialog responses into messages and card updates."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from http import HTTPStatus
from typing import Any

from botbuilder.core import Bot, InvokeResponse, TurnContext
from botbuilder.schema import Activity, ActivityTypes

from bot.activity import activity_from_message, address_from_activity, card_invoke_body, inbound_from_activity
from bot.files import FileDownloader
from core.kernel.contacts import Contact, record_contact, record_uninstall
from core.kernel.content import Content
from core.kernel.model import ConversationAddress, OutboundMessage, User
from core.kernel.ports import Clock, Links, UnitOfWorkFactory
from core.kernel.roles import effective_roles
from dialogs.kit import cards
from dialogs.kit.router import Router
from dialogs.kit.types import Response, Turn
from dialogs.onboarding import welcome_back_card, welcome_card

log = logging.getLogger(__name__)

CARD_ACTION = "adaptiveCard/action"
TURN_FAILED = "qibot.turn_failed"
SORRY = "Sorry, something went wrong on my side. Please try again in a minute."


class QiBot(Bot):
    def __init__(
        self,
        *,
        uow_factory: UnitOfWorkFactory,
        router: Router,
        content: Content,
        clock: Clock,
        admins: frozenset[str],
        links: Links | None = None,
        messages: Mapping[str, Any] | None = None,
        files: FileDownloader | None = None,
    ) -> None:
        self.files = files or FileDownloader()
        self.links = links
        self.router = router
        self.messages = dict(messages or {})
        self.uow_factory = uow_factory
        self.content = content
        self.clock = clock
        self.admins = admins

    async def on_turn(self, context: TurnContext) -> None:
        activity = context.activity
        try:
            if activity.type == ActivityTypes.message or (
                activity.type == ActivityTypes.invoke and activity.name == CARD_ACTION
            ):
                await self._dialog_turn(context)
            elif activity.type == ActivityTypes.installation_update:
                await self._installation_update(context)
            elif activity.type == ActivityTypes.conversation_update:
                await self._conversation_update(context)
            elif activity.type == ActivityTypes.invoke:
                await _invoke_reply(context, InvokeResponse(status=HTTPStatus.NOT_IMPLEMENTED))
        except Exception:
            # A bug or an outage: log it, say sorry in the chat, and tell the HTTP layer (for the metrics).
            log.exception("turn failed", extra={"activity_type": activity.type})
            context.turn_state[TURN_FAILED] = True
            await self._apologise(context)

    async def _apologise(self, context: TurnContext) -> None:
        try:
            if context.activity.type == ActivityTypes.invoke:
                await _invoke_reply(
                    context, InvokeResponse(status=200, body=card_invoke_body(cards.problem_card(SORRY)))
                )
            else:
                await context.send_activity(SORRY)
        except Exception:  # the connector itself may be what failed
            log.warning("could not send the apology")

    def _with_roles(self, user: User) -> User:
        return replace(user, roles=effective_roles(user, self.admins))

    async def _record(self, uow, address: ConversationAddress) -> Contact:
        """Committed at once, so the contact stays recorded even if the dialog then fails or rolls back."""
        contact = await record_contact(uow, address=address, now=self.clock.now())
        if contact.changed:
            await uow.commit()
        return contact

    async def _dialog_turn(self, context: TurnContext) -> None:
        address = address_from_activity(context.activity)
        inbound = inbound_from_activity(context)
        if inbound.kind == "message" and inbound.conversation_type == "channel" and not inbound.mentions_bot:
            # With resource-specific consent every message in the team's channels arrives here. One that is not
            # addressed to the bot, is the bot's own, or is in no conversation a capability follows is ignored
            # before anything (or anyone) is recorded.
            if address.user_teams_id == address.bot_id:
                return
            async with self.uow_factory() as uow:
                if not await self.router.follows(uow, inbound):
                    return
        if inbound.kind == "message" and inbound.conversation_type == "personal":
            # Files sent in the personal chat are fetched (bounded) before the unit of work opens, like sending.
            files = await self.files.fetch_all(context.activity.attachments)
            if files:
                inbound = replace(inbound, files=files)
        # Nothing is sent while the unit of work is open: a slow connector must not hold a database connection.
        async with self.uow_factory() as uow:
            contact = await self._record(uow, address)
            user = self._with_roles(contact.user)
            turn = Turn(
                user=user,
                inbound=inbound,
                uow=uow,
                content=self.content,
                now=self.clock.now(),
                links=self.links,
                messages=self.messages,
            )
            response = await self.router.route(turn)
            if response.commit:
                await uow.commit()
            else:
                await uow.rollback()
        if contact.first_contact and inbound.kind == "message" and inbound.conversation_type == "personal":
            await context.send_activity(_card_activity(welcome_card(self.content.organisation, contact.user)))
        await self._deliver(context, response)

    async def _deliver(self, context: TurnContext, response: Response) -> None:
        if context.activity.type == ActivityTypes.invoke:
            if response.card is not None:
                body = card_invoke_body(response.card)
            else:
                body = {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": "Done."}
            await _invoke_reply(context, InvokeResponse(status=200, body=body))
        elif response.card is not None:  # an Action.Submit fallback (a message): no card to replace, so send it
            await context.send_activity(_card_activity(response.card))
        for message in response.messages:
            await context.send_activity(activity_from_message(message))

    async def _installation_update(self, context: TurnContext) -> None:
        action = (context.activity.action or "").lower()
        address = address_from_activity(context.activity)
        async with self.uow_factory() as uow:
            if action.startswith("remove"):
                await record_uninstall(uow, address=address, now=self.clock.now())
                await uow.commit()
                return
            contact = await self._record(uow, address)
        await self._greet(context, contact)

    async def _conversation_update(self, context: TurnContext) -> None:
        activity = context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        added = [m.id for m in activity.members_added or [] if m is not None]  # a forged list may hold nulls
        removed = [m.id for m in activity.members_removed or [] if m is not None]
        address = address_from_activity(activity)
        async with self.uow_factory() as uow:
            if bot_id in removed:
                await record_uninstall(uow, address=address, now=self.clock.now())
                await uow.commit()
                return
            contact = await self._record(uow, address)  # any update refreshes the service URL
        if bot_id in added:
            await self._greet(context, contact)

    async def _greet(self, context: TurnContext, contact: Contact) -> None:
        """Welcome on first install, welcome back on reinstall; never twice for one install (Teams sends both
        installationUpdate and conversationUpdate)."""
        user = self._with_roles(contact.user)
        personal = (context.activity.conversation.conversation_type or "personal") == "personal"
        if not personal:
            if contact.new_conversation or contact.reinstalled:
                await context.send_activity(
                    "Hello, I am QI Companion. Mention me with **help** to see what I can do; for your own "
                    "bookings and projects, chat with me one-to-one."
                )
            return
        if contact.first_contact or (contact.new_conversation and not user.onboarded):
            await context.send_activity(_card_activity(welcome_card(self.content.organisation, user)))
        elif contact.reinstalled:
            await context.send_activity(_card_activity(welcome_back_card(user)))


def _card_activity(card: dict) -> Activity:
    return activity_from_message(OutboundMessage(card=card))


async def _invoke_reply(context: TurnContext, response: InvokeResponse) -> None:
    await context.send_activity(Activity(type=ActivityTypes.invoke_response, value=response))
