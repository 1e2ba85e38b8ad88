"""The proactive Sender: delivers one outbox message through the Bot Framework connector.

Every failure becomes a SendOutcome from the connector's own error (its HTTP status and Retry-After), so the
dispatcher can tell a 429 from a 403. The rate limits (`before_send`) are awaited right before the request.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import ChannelAccount, ConversationParameters
from botframework.connector.aio import ConnectorClient

from bot.activity import activity_from_message, channel_of, reference_from_address
from core.kernel.model import ConversationAddress, OutboundMessage
from core.kernel.ports import SendOutcome, SendOutcomeKind

log = logging.getLogger(__name__)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After is either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def classify_error(exc: BaseException) -> SendOutcome:
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    detail = f"{type(exc).__name__}: {str(exc)[:300]}"
    if status == 429:
        headers = getattr(response, "headers", None) or {}
        return SendOutcome(SendOutcomeKind.THROTTLED, status, parse_retry_after(headers.get("Retry-After")), detail)
    if status in (403, 404):
        return SendOutcome(SendOutcomeKind.GONE, status, error=detail)
    # 412, 5xx, timeouts, refused connections and anything unexpected: try again later, up to the limit.
    return SendOutcome(SendOutcomeKind.TRANSIENT, status, error=detail)


def _wait_for_turn(
    before_send: Callable[[], Awaitable[None]] | None, deadline: asyncio.Timeout, timeout: float
) -> Callable[[], Awaitable[None]]:
    """Await the rate limits with the send's clock stopped, then give the request itself the whole timeout: a
    message waiting out a 429 pause is not a message that timed out."""

    async def wait() -> None:
        if before_send is not None:
            deadline.reschedule(None)
            await before_send()
            deadline.reschedule(asyncio.get_running_loop().time() + timeout)

    return wait


class BotFrameworkSender:
    """Posts to the conversation with a connector client kept per service URL (as botbuilder's old
    BotFrameworkAdapter cached them): building one per message, as `continue_conversation` does, with a turn
    context, a deep copy of the activity and a user-token client, cost about 1.4 ms of CPU a send (bench/README).
    The client's credentials still sign every request with a current token."""

    def __init__(self, adapter: BotAdapter, *, app_id: str, timeout: float = 15.0) -> None:
        self.adapter = adapter
        self.app_id = app_id
        self.timeout = timeout
        self._connectors: dict[str, ConnectorClient] = {}

    async def _connector(self, service_url: str) -> ConnectorClient:
        client = self._connectors.get(service_url)
        if client is None:
            claims = self.adapter.create_claims_identity(self.app_id)
            factory = self.adapter.bot_framework_authentication.create_connector_factory(claims)
            client = self._connectors[service_url] = await factory.create(service_url, None)
        return client

    async def send(
        self,
        address: ConversationAddress,
        message: OutboundMessage,
        *,
        before_send: Callable[[], Awaitable[None]] | None = None,
    ) -> SendOutcome:
        try:
            async with asyncio.timeout(self.timeout) as deadline:
                on_the_wire_next = _wait_for_turn(before_send, deadline, self.timeout)
                if message.new_thread:
                    started: list[SendOutcome] = []

                    async def in_the_new_thread(context: TurnContext) -> None:
                        # create_conversation has posted the message; this turn is in the thread it started.
                        conversation_id = context.activity.conversation.id
                        started.append(SendOutcome(SendOutcomeKind.SENT, 201, conversation_id=conversation_id))

                    await on_the_wire_next()
                    await self._new_thread(address, message, in_the_new_thread)
                    return started[0] if started else SendOutcome(SendOutcomeKind.TRANSIENT, error="no new thread")
                activity = activity_from_message(message)
                TurnContext.apply_conversation_reference(activity, reference_from_address(address))
                conversations = (await self._connector(address.service_url)).conversations
                await on_the_wire_next()  # the client is built and the activity converted: only the request is left
                if message.replaces:
                    activity.id = message.replaces
                    await conversations.update_activity(address.conversation_id, message.replaces, activity)
                else:
                    await conversations.send_to_conversation(address.conversation_id, activity)
                return SendOutcome(SendOutcomeKind.SENT, 201)
        except TimeoutError:
            return SendOutcome(SendOutcomeKind.TRANSIENT, error=f"timed out after {self.timeout:.0f}s")
        except Exception as exc:  # noqa: BLE001 - every failure becomes an outcome the dispatcher acts on
            return classify_error(exc)

    async def _new_thread(self, address: ConversationAddress, message: OutboundMessage, callback) -> None:
        """A new conversation in the address's channel, with the message as its first activity: in Teams, a new
        thread (its id is "<channel id>;messageid=<first activity id>")."""
        parameters = ConversationParameters(
            is_group=True,
            bot=ChannelAccount(id=address.bot_id, name=address.bot_name),
            channel_data={"channel": {"id": channel_of(address.conversation_id)}},
            activity=activity_from_message(message),
            tenant_id=address.tenant_id,
        )
        await self.adapter.create_conversation(
            self.app_id, callback, parameters, address.channel_id, address.service_url, None
        )
