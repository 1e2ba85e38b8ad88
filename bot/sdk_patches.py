"""Performance fixes for botbuilder 4.17 and its msrest dependency (both end of life: they will not be fixed
upstream). Each one gives exactly the result the SDK computed before, only faster; tests/bot/test_sdk_patches.py
compares the patched and unpatched results (in separate processes, byte for byte on the wire JSON).

1. msrest's `ClientRetryPolicy` computes `[i for i in range(999) if i not in self.safe_codes]` against a
   501-item *list* for every ConnectorClient (two a turn, two a proactive send): half a million comparisons,
   3-7 ms of CPU each time. A frozenset gives the same retry codes in microseconds.
2. msrest's `Serializer.serialize_object` serialises a reply's untyped parts (an Adaptive Card is an attachment's
   `content: object`) one node at a time: a type dispatch, then `serialize_basic` (an `eval` of the type name)
   and `serialize_unicode` for every string, about 380 calls for our menu card. For the plain JSON nodes (exact
   dict, list, str, int, float, bool, None) its result is a fresh copy with the same values, which
   `_json_tree` builds directly; any other node (an enum, a datetime, a model, a subclass...) and any call that
   asks for XML or custom serialisers still goes to msrest's own code.
3. `TurnContext.send_activities` deep-copies every outgoing activity with `copy.deepcopy` (its memo and
   reduce protocol cost about 1 ms for a card). `deep_copy` makes the same deep copy: new containers and
   objects all the way down, shared references and cycles kept, falling back to `copy.deepcopy` for any type
   it does not know.
"""

from __future__ import annotations

import copy
import copyreg

from botbuilder.core import turn_context
from msrest.serialization import Serializer
from msrest.universal_http.requests import ClientRetryPolicy

_ATOMS = (str, int, float, bool, type(None))
_msrest_serialize_object = Serializer.serialize_object


def _serialize_object(self: Serializer, attr, **kwargs):
    if kwargs.get("is_xml") or kwargs.get("basic_types_serializers"):
        return _msrest_serialize_object(self, attr, **kwargs)
    return _json_tree(self, attr, kwargs)


def _json_tree(serializer: Serializer, node, kwargs: dict):
    """msrest's serialize_object for plain JSON nodes; msrest itself for anything else (and its ValueError
    handling: a dict value that fails becomes None, a list item that fails is left out)."""
    kind = type(node)
    if kind in _ATOMS:
        return node  # str(s), int(i), float(f), bool(b) of an exact instance is the instance itself
    if kind is dict:
        out = {}
        for key, value in node.items():
            name = key if type(key) is str else serializer.serialize_unicode(key)
            try:
                out[name] = _json_tree(serializer, value, kwargs)
            except ValueError:
                out[name] = None
        return out
    if kind is list:
        items = []
        for value in node:
            try:
                items.append(_json_tree(serializer, value, kwargs))
            except ValueError:
                pass
        return items
    return _msrest_serialize_object(serializer, node, **kwargs)


def _plain_object(kind: type) -> bool:
    """Objects that copy.deepcopy would rebuild as `kind.__new__(kind)` plus a deep copy of `__dict__`."""
    return (
        kind not in copyreg.dispatch_table
        and kind.__reduce_ex__ is object.__reduce_ex__
        and kind.__reduce__ is object.__reduce__
        and getattr(kind, "__getstate__", object.__getstate__) is object.__getstate__
        and not hasattr(kind, "__setstate__")
        and not hasattr(kind, "__deepcopy__")
        and not hasattr(kind, "__slots__")
        and kind.__new__ is object.__new__
    )


_plain: dict[type, bool] = {}


def deep_copy(value, memo: dict | None = None):
    """copy.deepcopy for activities: same result, without its per-node reduce protocol."""
    if memo is None:
        memo = {}
    kind = type(value)
    if kind in _ATOMS:
        return value
    found = memo.get(id(value))
    if found is not None:
        return found
    if kind is dict:
        out = memo[id(value)] = {}
        for key, item in value.items():
            out[key if type(key) in _ATOMS else copy.deepcopy(key, memo)] = deep_copy(item, memo)
    elif kind is list:
        out = memo[id(value)] = []
        out.extend(deep_copy(item, memo) for item in value)
    else:
        plain = _plain.get(kind)
        if plain is None:
            plain = _plain[kind] = _plain_object(kind) and hasattr(value, "__dict__")
        if not plain:
            return copy.deepcopy(value, memo)
        out = memo[id(value)] = object.__new__(kind)
        out.__dict__.update({name: deep_copy(item, memo) for name, item in value.__dict__.items()})
    return out


def apply() -> None:
    if not isinstance(ClientRetryPolicy.safe_codes, frozenset):
        ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)
    Serializer.serialize_object = _serialize_object
    turn_context.deepcopy = deep_copy
