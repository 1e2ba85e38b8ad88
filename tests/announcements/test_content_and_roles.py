"""The announcements' content (its schema, its category in nudges.yaml, the sites' legacy trusts) and the
programme lead role (granted like any other, accepted by both databases)."""

import shutil

import pytest

from bot import registry
from core.kernel.errors import InvalidInput
from core.kernel.model import Role
from core.kernel.roles import grant_role
from storage.content import DEFAULT_CONTENT_DIR, ContentError
from tests.announcements.data import NOW, staff


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


def test_the_rules_and_the_trusts_come_from_the_files(content):
    rules = content.announcements.rules
    assert (rules.title_limit, rules.text_limit, rules.max_buttons, rules.category) == (120, 2000, 2, "news")
    assert content.announcements.sites_of(("Mid Essex Hospital Services",)) == {"broomfield"}
    news = content.nudges.category("news")
    assert news.can_opt_out and not news.transactional


def test_a_category_missing_from_the_nudge_rules_is_refused(content_copy):
    path = content_copy / "announcements.yaml"
    path.write_text(path.read_text().replace("category: news", "category: gossip"))
    with pytest.raises(ContentError, match="'gossip' is not in nudges.yaml"):
        registry.load_content(content_copy)


def test_a_limit_out_of_range_is_refused_with_its_line(content_copy):
    path = content_copy / "announcements.yaml"
    path.write_text(path.read_text().replace("text: 2000", "text: 9000"))
    with pytest.raises(ContentError, match="announcements.yaml"):
        registry.load_content(content_copy)


async def test_the_lead_role_is_granted_and_stored_on_both_databases(uow_factory):
    async with uow_factory() as uow:
        person = await staff(uow, 1)
        user, changed = await grant_role(uow, who="aad-1", role="lead", now=NOW)
        assert changed and user.id == person.id
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.users.get(person.id)
        assert Role.LEAD in stored.roles and stored.has_role(Role.LEAD) and not stored.has_role(Role.ADMIN)
        with pytest.raises(InvalidInput, match="lead"):
            await grant_role(uow, who="aad-1", role="programme boss", now=NOW)


def test_the_audience_line_never_calls_a_large_hidden_group_a_few():
    from dialogs.announcements.cards import audience_line

    assert audience_line(1243, 57) == "1,243 people; 57 have not installed the app and will not receive it."
    # 1 has the app: the 12 without it are hidden too (13 minus 12 would give the 1 away), but they are not "a few"
    line = audience_line(13, 12)
    assert line.startswith("13 people; some have not installed") and "12" not in line and "fewer" not in line
    assert audience_line(3, 1).startswith("Fewer than 5 people")
    assert audience_line(20, 0) == "20 people; everyone has the app installed."
