"""The proactive Sender: delivers one outbox message through the Bot Framework connector.

Errors are caught inside the continue_conversation callback: the SDK would otherwise swallow or re-wrap them
and the dispatcher could not tell a 429 from a 403.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import ChannelAccount, ConversationParameters

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
    def __init__(self, adapter: BotAdapter, *, app_id: str, timeout: float = 15.0) -> None:
        self.adapter = adapter
        self.app_id = app_id
        self.timeout = timeout

    async def send(
        self,
        address: ConversationAddress,
        message: OutboundMessage,
        *,
        before_send: Callable[[], Awaitable[None]] | None = None,
    ) -> SendOutcome:
        outcome: list[SendOutcome] = []
        try:
            async with asyncio.timeout(self.timeout) as deadline:
                on_the_wire_next = _wait_for_turn(before_send, deadline, self.timeout)

                async def callback(context: TurnContext) -> None:
                    try:
                        activity = activity_from_message(message)
                        await on_the_wire_next()  # the connector client is built: only the request is left
                        if message.replaces:
                            activity.id = message.replaces
                            await context.update_activity(activity)
                        else:
                            await context.send_activity(activity)
                        outcome.append(SendOutcome(SendOutcomeKind.SENT, 201))
                    except asyncio.CancelledError:  # our own deadline: let it reach asyncio.timeout
                        raise
                    except Exception as exc:  # noqa: BLE001 - every failure becomes an outcome the dispatcher acts on
                        outcome.append(classify_error(exc))

                async def started(context: TurnContext) -> None:
                    # create_conversation has posted the message; this turn is in the conversation (thread) it started.
                    outcome.append(
                        SendOutcome(SendOutcomeKind.SENT, 201, conversation_id=context.activity.conversation.id)
                    )

                if message.new_thread:
                    await on_the_wire_next()
                    await self._new_thread(address, message, started)
                else:
                    await self.adapter.continue_conversation(
                        reference_from_address(address), callback, bot_app_id=self.app_id
                    )
        except TimeoutError:
            return SendOutcome(SendOutcomeKind.TRANSIENT, error=f"timed out after {self.timeout:.0f}s")
        except Exception as exc:  # noqa: BLE001 - e.g. token acquisition failed before the callback ran
            log.warning("continue_conversation failed", extra={"error": type(exc).__name__})
            return classify_error(exc)
        return outcome[0] if outcome else SendOutcome(SendOutcomeKind.TRANSIENT, error="callback did not run")

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
