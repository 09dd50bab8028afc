"""An AWS answer that is not what the service model promises is a failed call, never data.

botocore trusts what comes back: an empty 200 from a JSON service (KMS, ECR) parses as
`{}`, an HTML page from a captive portal or a proxy in EC2's or S3's place parses as a
document with none of the promised members, and the collector reads "no resources". A
body botocore cannot parse at all (a 500 with a text page, a truncated answer, an
operation the endpoint does not implement) raises ResponseParserError, which is not one
of botocore's error classes, so it escaped every caller's `except BotoCoreError`.

Every client driftguard makes parses through `CheckedParserFactory` (installed on the
session by `checked`), which holds answers to the service model before botocore reads
them:

- A successful answer (2xx) whose body does not have the shape the operation's output
  promises raises MalformedResponse, a BotoCoreError: the call failed, so its type (or
  stack) is "not checked", as for any other AWS failure. The shapes, per protocol: a
  JSON object (json, rest-json); an XML document whose root is `<OperationResponse>`
  (query, ec2); for rest-xml, the payload's element, or a document holding at least one
  of the output's members (or none at all: `<VersioningConfiguration/>`). Outputs with
  nothing in the body (headers only) and streamed payloads are not checked.
- An error answer (3xx-5xx) whose body botocore cannot parse becomes the generic error
  botocore's REST parsers already make of one (code: the HTTP status, message: its
  reason phrase), so a 500 from a load balancer is a ClientError that the retry policy
  retries like any 5xx.
- A successful answer without a member the output shape requires (`{}` where SageMaker's
  ListEndpointConfigs promises `EndpointConfigs`), or that botocore fails to parse, is
  MalformedResponse too.
"""

from __future__ import annotations

import json
from http.client import responses as reasons
from typing import Any
from xml.etree import ElementTree

import boto3
from botocore.exceptions import BotoCoreError
from botocore.model import Shape
from botocore.parsers import ResponseParserFactory

_HEADER_LOCATIONS = ("header", "headers", "statusCode")


class MalformedResponse(BotoCoreError):  # type: ignore[misc]  # botocore is untyped
    """A 2xx answer that is not the document the service model promises."""

    fmt = "{operation}: {problem}"
    reason_kind = "malformed answer"  # aws_errors.reason's kind for it


def checked(session: boto3.Session) -> boto3.Session:
    """The session, its clients parsing through CheckedParserFactory (idempotent)."""
    core = session._session  # noqa: SLF001 - boto3's only way to its botocore session
    if not isinstance(core.get_component("response_parser_factory"), CheckedParserFactory):
        core.register_component("response_parser_factory", CheckedParserFactory())
    return session


class CheckedParserFactory(ResponseParserFactory):  # type: ignore[misc]  # untyped
    def create_parser(self, protocol_name: str) -> Any:
        return CheckedParser(super().create_parser(protocol_name), protocol_name)


class CheckedParser:
    def __init__(self, parser: Any, protocol: str) -> None:
        self._parser = parser
        self._protocol = protocol

    def __getattr__(self, name: str) -> Any:
        return getattr(self._parser, name)

    def parse(self, response: dict[str, Any], shape: Shape | None) -> Any:
        status = int(response.get("status_code") or 0)
        operation = str((response.get("context") or {}).get("operation_name") or "the call")
        if status < 300:
            problem = body_problem(self._protocol, operation, response.get("body"), shape)
            if problem:
                raise MalformedResponse(operation=operation, problem=problem)
        try:
            parsed = self._parser.parse(response, shape)
        except Exception as exc:  # noqa: BLE001 - whatever botocore fails on is not data
            if status < 300:
                raise MalformedResponse(operation=operation, problem=(
                    f"HTTP {status} that botocore cannot parse ({type(exc).__name__})"
                )) from None
        else:
            if status < 300 and shape is not None and isinstance(parsed, dict):
                lacking = [m for m in shape.required_members if m not in parsed]
                if lacking:
                    raise MalformedResponse(operation=operation, problem=(
                        f"HTTP {status} without {', '.join(lacking)}, which the service "
                        "model requires"))
            return parsed
        if shape is not None and shape.metadata.get("exception"):
            return {}  # the second pass for a modeled error's fields: there are none
        # What botocore's REST parsers make of an error body they cannot read.
        return {"Error": {"Code": str(status), "Message": reasons.get(status, "")},
                "ResponseMetadata": {"HTTPStatusCode": status,
                                     "HTTPHeaders": dict(response.get("headers") or {})}}


def body_problem(protocol: str, operation: str, body: Any, shape: Shape | None) -> str | None:
    """Why a successful answer's body is not what the output shape promises; None if it
    is, or if the output is not in the body (headers only, a streamed payload: botocore
    hands those over unread, not as bytes) or not a document (a blob or text payload)."""
    if shape is None or not isinstance(body, bytes | bytearray):
        return None
    body = bytes(body)
    payload = shape.serialization.get("payload")
    if payload:
        member = shape.members[payload]
        if member.type_name != "structure":
            return None
    elif not any(m.serialization.get("location") not in _HEADER_LOCATIONS
                 for m in shape.members.values()):
        return None
    if protocol in ("json", "rest-json"):
        return _json_problem(body)
    if protocol in ("query", "ec2"):
        return _xml_problem(body, f"{operation}Response", roots={f"{operation}Response"})
    if protocol == "rest-xml":
        if payload:
            member = shape.members[payload]
            root = member.serialization.get("name", payload)
            return _xml_problem(body, root, roots={root, payload, member.name})
        names = {m.serialization.get("name", n) for n, m in shape.members.items()
                 if m.serialization.get("location") not in _HEADER_LOCATIONS}
        return _xml_problem(body, f"{shape.name} document", children=names)
    return None  # another protocol (CBOR): botocore's parser decides


def _json_problem(body: bytes) -> str | None:
    promised = "the JSON object the service model promises"
    if not body.strip():
        return f"HTTP 200 with an empty body, not {promised}"
    try:
        doc = json.loads(body)
    except ValueError:
        return f"HTTP 200 with {_what(body)}, not {promised}"
    if not isinstance(doc, dict):
        return f"HTTP 200 with a JSON {type(doc).__name__}, not {promised}"
    return None


def _xml_problem(body: bytes, expected: str, roots: set[str] | None = None,
                 children: set[str] | None = None) -> str | None:
    """`roots`: the names the root element may have; `children`: names of which the
    root's child elements must include one (if it has any)."""
    promised = f"the <{expected}> the service model promises" if roots else \
        f"the {expected} the service model promises"
    if not body.strip():
        return f"HTTP 200 with an empty body, not {promised}"
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        return f"HTTP 200 with {_what(body, f'XML that does not parse ({exc})')}, not {promised}"
    name = _local(root.tag)
    if roots is not None and name not in roots:
        return f"HTTP 200 with {_what(body, f'a <{name[:40]}> document')}, not {promised}"
    if children is not None and len(root) and not any(_local(c.tag) in children for c in root):
        return f"HTTP 200 with {_what(body, f'a <{name[:40]}> document')} holding none of " \
               "the members the service model promises"
    return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _what(body: bytes, otherwise: str = "") -> str:
    """A few words on what came instead: never the body itself, which may hold anything."""
    head = body.lstrip()[:64].lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    if otherwise:
        return otherwise
    return "an XML document" if head.startswith(b"<") else "a text body"
