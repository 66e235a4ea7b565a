#!/usr/bin/env python3
"""A minimal XRPC/1 client written from docs/PROTOCOL.md alone.

It exists to show that the document suffices to implement the protocol: it uses the Python 3.11
standard library only, encodes and decodes the few protobuf messages by hand (§12.4) and follows
the implementer's checklist (§12). Section numbers in the comments refer to docs/PROTOCOL.md.

What it does (one connection):
  1. TCP + TLS 1.3 only, ALPN "xrpc/1", mutual TLS (§2).
  2. Preface + SETTINGS, reads the server's SETTINGS, ACKs it (§3).
  3. PING, expects the PING ACK (§4.9, §10.1).
  4. Unary call /voucherd.v1.Testing/Echo (§7.3), fragmenting the request at the server's
     max_frame_payload (§7.5) and reassembling the response.
  5. Unary call to an unknown method, /voucherd.v1.Testing/Nope (§11.2): expects a status.
  6. GOAWAY(0, NO_ERROR), then waits (briefly) for the server to close (§10.2).
  7. Prints one line of JSON with the outcome.

Exit status: 0 when the exchange completed (whatever the calls' gRPC statuses), 2 on a protocol
violation detected in the server's behaviour, 3 when the connection could not be set up or was
lost, 64 on bad command-line arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import ssl
import struct
import sys
import time

# --- Constants (§3.1, §4.2, §4.3, §5, §9.5) --------------------------------------------------

PREFACE = bytes.fromhex("585250430d0a0100")
ALPN = "xrpc/1"

SETTINGS, HEADERS, MESSAGE, TRAILERS, RST, PING, GOAWAY, WINDOW_UPDATE = range(8)
FRAME_NAMES = {
    SETTINGS: "SETTINGS", HEADERS: "HEADERS", MESSAGE: "MESSAGE", TRAILERS: "TRAILERS",
    RST: "RST", PING: "PING", GOAWAY: "GOAWAY", WINDOW_UPDATE: "WINDOW_UPDATE",
}

END_STREAM, ACK, COMPRESSED, MORE = 0x01, 0x02, 0x04, 0x08
# Flags that are meaningful for each known frame type when sent S->C (§4.2, §4.3).
MEANINGFUL_S2C_FLAGS = {
    SETTINGS: ACK,
    HEADERS: 0,              # END_STREAM only C->S; the server MUST NOT set it (§4.5)
    MESSAGE: MORE,           # END_STREAM only C->S; COMPRESSED never valid (checked separately)
    TRAILERS: END_STREAM,
    RST: 0,
    PING: ACK,
    GOAWAY: 0,
    WINDOW_UPDATE: 0,
}

NO_ERROR, PROTOCOL_ERROR, INTERNAL_ERROR, FLOW_CONTROL_ERROR = 0x0, 0x1, 0x2, 0x3
SETTINGS_TIMEOUT, STREAM_CLOSED, FRAME_SIZE_ERROR, REFUSED_STREAM = 0x4, 0x5, 0x6, 0x7
CANCEL, ENHANCE_YOUR_CALM = 0x8, 0xB
ERROR_NAMES = {
    0x0: "NO_ERROR", 0x1: "PROTOCOL_ERROR", 0x2: "INTERNAL_ERROR", 0x3: "FLOW_CONTROL_ERROR",
    0x4: "SETTINGS_TIMEOUT", 0x5: "STREAM_CLOSED", 0x6: "FRAME_SIZE_ERROR",
    0x7: "REFUSED_STREAM", 0x8: "CANCEL", 0xB: "ENHANCE_YOUR_CALM",
}

OK, CANCELLED, UNKNOWN, DEADLINE_EXCEEDED = 0, 1, 2, 4
RESOURCE_EXHAUSTED, INTERNAL, UNAVAILABLE, UNIMPLEMENTED = 8, 13, 14, 12

DEFAULTS = {  # §3.3
    "max_frame_payload": 65536,
    "max_message_size": 4194304,
    "max_header_size": 16384,
    "max_concurrent_streams": 100,
    "initial_window_size": 65536,
}
SETTINGS_FIELDS = {1: "max_frame_payload", 2: "max_message_size", 3: "max_header_size",
                   4: "max_concurrent_streams", 5: "initial_window_size"}

MAX_STREAM_ID = 0x7FFFFFFF
KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_.")


# --- Errors -----------------------------------------------------------------------------------

class ProtocolViolation(Exception):
    """The server broke the protocol. `code`, if set, is the error code this client reported to
    the server (GOAWAY for a connection error, RST for a stream error)."""


class ConnectionFailed(Exception):
    """The connection could not be set up, or was lost."""


class DecodeError(Exception):
    """A protobuf payload is not a valid message of its type."""


class IOTimeout(Exception):
    """A read did not complete before its deadline."""


def error_name(code: int) -> str:
    return ERROR_NAMES.get(code, f"0x{code:x}")


# --- Protobuf by hand (§4.12, §12.4) ----------------------------------------------------------

def encode_varint(value: int) -> bytes:
    if value < 0:
        raise ValueError("varint must be non-negative")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field_varint(number: int, value: int) -> bytes:
    return encode_varint(number << 3 | 0) + encode_varint(value)


def field_bytes(number: int, value: bytes) -> bytes:
    return encode_varint(number << 3 | 2) + encode_varint(len(value)) + value


def decode_varint(data: bytes, pos: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while True:
        if pos >= len(data):
            raise DecodeError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            break
        shift += 7
        if shift >= 70:
            raise DecodeError("varint longer than 10 bytes")
    return result & 0xFFFFFFFFFFFFFFFF, pos


def iter_fields(data: bytes):
    """Yields (field number, wire type, value). Value is an int for wire types 0, 1 and 5, and
    bytes for wire type 2. Wire types 3 and 4 (groups) are rejected."""
    pos = 0
    while pos < len(data):
        key, pos = decode_varint(data, pos)
        number, wire_type = key >> 3, key & 7
        if number == 0:
            raise DecodeError("field number 0")
        if wire_type == 0:
            value, pos = decode_varint(data, pos)
        elif wire_type == 1:
            if pos + 8 > len(data):
                raise DecodeError("truncated fixed64")
            value = struct.unpack_from("<Q", data, pos)[0]
            pos += 8
        elif wire_type == 2:
            length, pos = decode_varint(data, pos)
            if pos + length > len(data):
                raise DecodeError(f"length-delimited field {number} runs past the end")
            value = data[pos:pos + length]
            pos += length
        elif wire_type == 5:
            if pos + 4 > len(data):
                raise DecodeError("truncated fixed32")
            value = struct.unpack_from("<I", data, pos)[0]
            pos += 4
        else:
            raise DecodeError(f"unsupported wire type {wire_type} (field {number})")
        yield number, wire_type, value


def expect_wire_type(number: int, wire_type: int, wanted: int, message: str) -> None:
    if wire_type != wanted:
        raise DecodeError(f"{message} field {number} has wire type {wire_type}, expected {wanted}")


def utf8(value: bytes, what: str) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DecodeError(f"{what} is not valid UTF-8: {error}") from None


def encode_settings(values: dict[str, int]) -> bytes:
    out = bytearray()
    for number, name in SETTINGS_FIELDS.items():
        value = values.get(name, 0)
        if value:
            out += field_varint(number, value)
    return bytes(out)


def decode_settings(data: bytes) -> dict[str, int]:
    raw = {name: 0 for name in SETTINGS_FIELDS.values()}
    for number, wire_type, value in iter_fields(data):
        if number in SETTINGS_FIELDS:
            expect_wire_type(number, wire_type, 0, "Settings")
            raw[SETTINGS_FIELDS[number]] = value & 0xFFFFFFFF  # uint32; last occurrence wins
    return raw


def encode_metadata_entry(key: str, value: str | bytes) -> bytes:
    out = field_bytes(1, key.encode("utf-8"))
    if isinstance(value, bytes):
        out += field_bytes(3, value)
    else:
        out += field_bytes(2, value.encode("utf-8"))
    return out


def decode_metadata_entry(data: bytes) -> tuple[str, str | bytes]:
    """Decodes and validates one MetadataEntry (§4.12, §9.2). Returns (lowercased key, value)."""
    key = ""
    value: str | bytes | None = None
    kind = None
    for number, wire_type, field in iter_fields(data):
        if number == 1:
            expect_wire_type(number, wire_type, 2, "MetadataEntry")
            key = utf8(field, "metadata key")
        elif number == 2:
            expect_wire_type(number, wire_type, 2, "MetadataEntry")
            value, kind = utf8(field, "metadata text value"), "text"
        elif number == 3:
            expect_wire_type(number, wire_type, 2, "MetadataEntry")
            value, kind = bytes(field), "binary"
    # §9.2: ASCII capitals are lowercased on receipt, then the key must be non-empty a-z0-9-_.
    lowered = "".join(c.lower() if "A" <= c <= "Z" else c for c in key)
    if not lowered or any(c not in KEY_CHARS for c in lowered):
        raise DecodeError(f"metadata key {key!r} is empty or has characters outside [a-z0-9-_.]")
    is_bin = lowered.endswith("-bin")
    if kind == "text" and is_bin:
        raise DecodeError(f"metadata key {lowered!r} ends in -bin, so its value must be binary")
    if kind == "binary" and not is_bin:
        raise DecodeError(f"metadata key {lowered!r} has a binary value but does not end in -bin")
    if value is None:  # §9.2 "Missing value"
        value = b"" if is_bin else ""
    return lowered, value


def encode_request_headers(method: str, timeout_micros: int | None,
                           metadata: list[tuple[str, str | bytes]]) -> bytes:
    out = bytearray(field_bytes(1, method.encode("utf-8")))
    if timeout_micros is not None:  # optional: sent whenever a deadline is set, even 0
        out += field_varint(2, timeout_micros)
    for key, value in metadata:
        out += field_bytes(3, encode_metadata_entry(key, value))
    return bytes(out)


def decode_response_headers(data: bytes) -> list[tuple[str, str | bytes]]:
    metadata = []
    for number, wire_type, value in iter_fields(data):
        if number == 1:
            expect_wire_type(number, wire_type, 2, "ResponseHeaders")
            metadata.append(decode_metadata_entry(value))
    return metadata


def decode_trailers(data: bytes) -> dict:
    result: dict = {"code": 0, "message": "", "details": b"", "metadata": []}
    for number, wire_type, value in iter_fields(data):
        if number == 1:
            expect_wire_type(number, wire_type, 0, "Trailers")
            result["code"] = value & 0xFFFFFFFF
        elif number == 2:
            expect_wire_type(number, wire_type, 2, "Trailers")
            result["message"] = utf8(value, "status message")
        elif number == 3:
            expect_wire_type(number, wire_type, 2, "Trailers")
            result["details"] = bytes(value)
        elif number == 4:
            expect_wire_type(number, wire_type, 2, "Trailers")
            result["metadata"].append(decode_metadata_entry(value))
    if result["code"] > 16:  # §9.5
        result["code"] = UNKNOWN
    return result


def encode_echo_request(payload: bytes) -> bytes:
    return field_bytes(1, payload) if payload else b""


def decode_echo_response(data: bytes) -> dict:
    result: dict = {"payload": b"", "index": 0, "peer_identity": "",
                    "deadline_remaining_micros": 0, "metadata": [], "remote_peer": ""}
    for number, wire_type, value in iter_fields(data):
        if number == 1:
            expect_wire_type(number, wire_type, 2, "EchoResponse")
            result["payload"] = bytes(value)
        elif number == 2:
            expect_wire_type(number, wire_type, 0, "EchoResponse")
            result["index"] = value & 0xFFFFFFFF
        elif number == 3:
            expect_wire_type(number, wire_type, 2, "EchoResponse")
            result["peer_identity"] = utf8(value, "peer_identity")
        elif number == 4:
            expect_wire_type(number, wire_type, 0, "EchoResponse")
            result["deadline_remaining_micros"] = value
        elif number == 5:
            expect_wire_type(number, wire_type, 2, "EchoResponse")
            result["metadata"].append(utf8(value, "metadata"))
        elif number == 6:
            expect_wire_type(number, wire_type, 2, "EchoResponse")
            result["remote_peer"] = utf8(value, "remote_peer")
    return result


# --- Frames (§4.1) ----------------------------------------------------------------------------

class Frame:
    __slots__ = ("type", "flags", "reserved", "raw_stream", "stream", "length", "payload",
                 "oversized")

    def __init__(self, type_, flags, reserved, raw_stream, length, payload, oversized):
        self.type = type_
        self.flags = flags
        self.reserved = reserved
        self.raw_stream = raw_stream
        self.stream = raw_stream & 0x7FFFFFFF  # top bit reserved: mask it
        self.length = length
        self.payload = payload
        self.oversized = oversized

    def describe(self) -> str:
        name = FRAME_NAMES.get(self.type, f"unknown type {self.type}")
        return f"{name} (flags 0x{self.flags:02x}, stream {self.stream}, {self.length} bytes)"


def encode_frame(type_: int, flags: int, stream: int, payload: bytes = b"") -> bytes:
    return struct.pack(">IBBHI", len(payload), type_, flags, 0, stream & 0x7FFFFFFF) + payload


class Transport:
    """Buffered reads of whole frames from the TLS socket. A read that times out keeps what it
    has buffered, so a later read continues where it stopped."""

    def __init__(self, sock: ssl.SSLSocket):
        self.sock = sock
        self.buffer = bytearray()
        self.closed = False

    def write(self, data: bytes) -> None:
        try:
            self.sock.sendall(data)
        except (OSError, ssl.SSLError) as error:
            raise ConnectionFailed(f"write failed: {error}") from None

    def _fill(self, deadline: float | None) -> None:
        if self.closed:
            raise ConnectionFailed("the server closed the connection")
        timeout = None if deadline is None else deadline - time.monotonic()
        if timeout is not None and timeout <= 0:
            raise IOTimeout()
        self.sock.settimeout(timeout)
        try:
            chunk = self.sock.recv(262144)
        except (socket.timeout, TimeoutError):
            raise IOTimeout() from None
        except ssl.SSLZeroReturnError:
            chunk = b""
        except ssl.SSLEOFError:
            chunk = b""
        except ssl.SSLError as error:
            # A TLS alert, e.g. the server refused our certificate after the handshake (§2.2).
            self.closed = True
            raise ConnectionFailed(f"TLS error: {error}") from None
        except OSError as error:
            self.closed = True
            raise ConnectionFailed(f"read failed: {error}") from None
        if not chunk:
            self.closed = True
            raise ConnectionFailed("the server closed the connection")
        self.buffer += chunk

    def read_exact(self, n: int, deadline: float | None) -> bytes:
        while len(self.buffer) < n:
            self._fill(deadline)
        data = bytes(self.buffer[:n])
        del self.buffer[:n]
        return data

    def skip(self, n: int, deadline: float | None) -> None:
        while n > 0:
            if not self.buffer:
                self._fill(deadline)
            take = min(n, len(self.buffer))
            del self.buffer[:take]
            n -= take

    def peek_header(self, deadline: float | None) -> bytes:
        while len(self.buffer) < 12:
            self._fill(deadline)
        return bytes(self.buffer[:12])


# --- The connection -----------------------------------------------------------------------------

class CallResult:
    def __init__(self):
        self.code: int | None = None
        self.message = ""
        self.details = b""
        self.headers: list | None = None
        self.trailers_metadata: list = []
        self.messages: list[bytes] = []
        self.trailers_only = False
        self.local = False  # failed locally (not a status from the server)

    def fail_local(self, code: int, message: str) -> "CallResult":
        self.code, self.message, self.local = code, message, True
        return self


class Connection:
    def __init__(self, args):
        self.args = args
        self.io_timeout = args.io_timeout
        self.my = {
            "max_frame_payload": args.max_frame_payload,
            "max_message_size": 4194304,
            "max_header_size": min(16384, args.max_frame_payload),
            "max_concurrent_streams": 100,
            "initial_window_size": 65536,
        }
        self.peer: dict[str, int] = {}
        self.next_stream = 1
        self.draining = False
        self.goaway_last_stream: int | None = None
        self.settings_ack_received = False
        self.ping_data: bytes | None = None
        self.ping_acked = False
        self.transport: Transport | None = None
        self.log_lines: list[str] = []

    def log(self, text: str) -> None:
        if self.args.verbose:
            print(f"xrpc_doc_client: {text}", file=sys.stderr)

    # -- errors --

    def connection_error(self, code: int, text: str) -> "ProtocolViolation":
        """§10.3: send GOAWAY(0, code, text) and close. Returns the exception to raise."""
        try:
            if self.transport is not None and not self.transport.closed:
                payload = struct.pack(">II", 0, code) + text.encode("utf-8")
                self.transport.write(encode_frame(GOAWAY, 0, 0, payload))
        except ConnectionFailed:
            pass
        self.close()
        return ProtocolViolation(f"connection error {error_name(code)}: {text}")

    def stream_error(self, stream: int, code: int, text: str) -> "ProtocolViolation":
        """§6.5: send RST on the stream. Returns the exception to raise (the server broke the
        protocol: this client stops here)."""
        self.send_rst(stream, code, text)
        return ProtocolViolation(f"stream error {error_name(code)} on stream {stream}: {text}")

    def sender_violation(self, text: str) -> "ProtocolViolation":
        """A rule for senders that receivers ignore (e.g. reserved bits): nothing to send, but
        the server broke the document."""
        return ProtocolViolation(text)

    def send_rst(self, stream: int, code: int, reason: str = "") -> None:
        payload = struct.pack(">I", code) + reason.encode("utf-8")
        self.transport.write(encode_frame(RST, 0, stream, payload))

    def close(self) -> None:
        if self.transport is not None and not self.transport.closed:
            self.transport.closed = True
            try:
                self.transport.sock.close()
            except OSError:
                pass

    # -- connection setup (§2, §3) --

    def connect(self) -> None:
        args = self.args
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.minimum_version = ssl.TLSVersion.TLSv1_3
        context.maximum_version = ssl.TLSVersion.TLSv1_3
        context.check_hostname = True
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(cafile=args.ca)
        if args.cert:
            context.load_cert_chain(certfile=args.cert, keyfile=args.key)
        context.set_alpn_protocols([ALPN])  # exactly one protocol (§2.3)

        try:
            raw = socket.create_connection((args.host, args.port), timeout=self.io_timeout)
        except OSError as error:
            raise ConnectionFailed(f"TCP connect to {args.host}:{args.port} failed: {error}") from None
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # §2.1
        try:
            sock = context.wrap_socket(raw, server_hostname=args.server_name)
        except (ssl.SSLError, OSError) as error:
            raw.close()
            raise ConnectionFailed(f"TLS handshake failed: {error}") from None
        if sock.version() != "TLSv1.3":
            sock.close()
            raise ConnectionFailed(f"negotiated {sock.version()}, not TLS 1.3")
        selected = sock.selected_alpn_protocol()
        if selected != ALPN:  # §2.3, §12.1 step 3
            sock.close()
            raise ConnectionFailed(f"the server selected ALPN {selected!r}, not {ALPN!r}")
        self.transport = Transport(sock)
        self.log(f"TLS up: {sock.version()}, ALPN {selected}, cipher {sock.cipher()[0]}")

        # §3.2 / §12.1 step 4: preface + SETTINGS in one write, without waiting.
        settings_payload = encode_settings(self.my)
        self.transport.write(PREFACE + encode_frame(SETTINGS, 0, 0, settings_payload))

        # §12.1 step 5: the first frame must be SETTINGS without ACK, or GOAWAY.
        deadline = time.monotonic() + self.io_timeout
        try:
            frame = self.read_frame(deadline)
        except IOTimeout:
            raise ConnectionFailed("no SETTINGS from the server in time") from None
        except ConnectionFailed as error:
            raise ConnectionFailed(f"no SETTINGS from the server ({error}); "
                                   "the server may have refused the client certificate or ALPN") from None
        self.check_frame_common(frame, before_settings=True)
        if frame.type == GOAWAY:
            last, code = struct.unpack_from(">II", frame.payload, 0)
            text = frame.payload[8:].decode("utf-8", "replace")
            self.close()  # §3.2: send nothing back
            raise ConnectionFailed(f"server refused the connection with GOAWAY {error_name(code)}: {text}")
        if frame.type != SETTINGS or frame.flags & ACK:
            raise self.connection_error(PROTOCOL_ERROR, f"the first frame must be SETTINGS, got {frame.describe()}")
        try:
            raw_settings = decode_settings(frame.payload)
        except DecodeError as error:
            raise self.connection_error(PROTOCOL_ERROR, f"SETTINGS payload is not a valid xrpc.v1.Settings: {error}")
        peer = {name: (raw_settings[name] or DEFAULTS[name]) for name in DEFAULTS}
        if peer["max_frame_payload"] < 16384:
            raise self.connection_error(PROTOCOL_ERROR, f"SETTINGS max_frame_payload {peer['max_frame_payload']} is below the minimum 16384")
        if peer["max_header_size"] < 1024:
            raise self.connection_error(PROTOCOL_ERROR, f"SETTINGS max_header_size {peer['max_header_size']} is below the minimum 1024")
        peer["max_header_size"] = min(peer["max_header_size"], peer["max_frame_payload"])
        self.peer = peer
        self.peer_raw_settings = raw_settings
        self.log(f"server SETTINGS (raw {raw_settings}) -> {peer}")

        # §12.1 step 6: ACK the server's SETTINGS. Then a PING (§10.1): its ACK must come back.
        self.ping_data = os.urandom(8)
        self.transport.write(encode_frame(SETTINGS, ACK, 0) + encode_frame(PING, 0, 0, self.ping_data))

    # -- reading frames (§12.2) --

    def read_frame(self, deadline: float | None) -> Frame:
        header = self.transport.peek_header(deadline)
        length, type_, flags, reserved, raw_stream = struct.unpack(">IBBHI", header)
        if length > self.my["max_frame_payload"]:  # before reading the payload
            self.transport.read_exact(12, deadline)
            raise self.connection_error(FRAME_SIZE_ERROR, f"frame payload of {length} bytes exceeds the limit of {self.my['max_frame_payload']}")
        if type_ in (HEADERS, TRAILERS) and length > self.my["max_header_size"]:
            self.transport.read_exact(12, deadline)
            self.transport.skip(length, deadline)  # do not buffer it
            return Frame(type_, flags, reserved, raw_stream, length, b"", True)
        # Wait for the whole frame before consuming anything (a timeout keeps the buffer intact).
        while len(self.transport.buffer) < 12 + length:
            self.transport._fill(deadline)
        self.transport.read_exact(12, deadline)
        payload = self.transport.read_exact(length, deadline)
        return Frame(type_, flags, reserved, raw_stream, length, payload, False)

    def check_frame_common(self, frame: Frame, before_settings: bool = False) -> None:
        """Checks that do not depend on any stream: §4.1-§4.11, §10.3."""
        # Sender rules the document says receivers ignore; this client reports them because
        # its point is to check the server against the document.
        if frame.reserved != 0:
            raise self.sender_violation(f"{frame.describe()}: reserved bytes 6-7 are 0x{frame.reserved:04x}, MUST be 00 00 (§4.1)")
        if frame.raw_stream & 0x80000000:
            raise self.sender_violation(f"{frame.describe()}: reserved stream-id bit R is set, MUST be 0 (§4.1)")
        if frame.type in MEANINGFUL_S2C_FLAGS:
            allowed = MEANINGFUL_S2C_FLAGS[frame.type]
            if frame.type == MESSAGE:
                allowed |= COMPRESSED | END_STREAM  # stream errors, checked per stream
            if frame.flags & ~allowed:
                raise self.sender_violation(f"{frame.describe()}: flags 0x{frame.flags & ~allowed:02x} are not meaningful for this type from the server and MUST be sent as 0 (§4.3, §4.5)")

        if before_settings and frame.type not in (SETTINGS, GOAWAY):
            raise self.connection_error(PROTOCOL_ERROR, f"the first frame must be SETTINGS, got {frame.describe()}")
        if frame.type in (SETTINGS, PING, GOAWAY) and frame.stream != 0:
            raise self.connection_error(PROTOCOL_ERROR, f"{frame.describe()} must be on stream 0")
        if frame.type in (HEADERS, MESSAGE, TRAILERS, RST) and frame.stream == 0:
            raise self.connection_error(PROTOCOL_ERROR, f"{frame.describe()} on stream 0")
        if frame.type == SETTINGS and frame.flags & ACK and frame.length != 0:
            raise self.connection_error(FRAME_SIZE_ERROR, "SETTINGS ACK with a payload")
        if frame.type == PING and frame.length != 8:
            raise self.connection_error(FRAME_SIZE_ERROR, f"PING payload of {frame.length} bytes, not 8")
        if frame.type == GOAWAY and frame.length < 8:
            raise self.connection_error(PROTOCOL_ERROR, f"GOAWAY payload of {frame.length} bytes, less than 8")
        if frame.type == WINDOW_UPDATE:
            if frame.length != 4:
                raise self.connection_error(FRAME_SIZE_ERROR, f"WINDOW_UPDATE payload of {frame.length} bytes, not 4")
            if frame.stream != 0 and self.never_opened(frame.stream):
                raise self.connection_error(PROTOCOL_ERROR, f"WINDOW_UPDATE for stream {frame.stream}, which was never opened")

    def never_opened(self, stream: int) -> bool:
        return stream % 2 == 0 or stream >= self.next_stream

    def handle_connection_frame(self, frame: Frame) -> bool:
        """Handles SETTINGS, PING, GOAWAY, WINDOW_UPDATE and unknown types. Returns True if the
        frame was consumed here."""
        if frame.type == SETTINGS:
            if not frame.flags & ACK:
                raise self.connection_error(PROTOCOL_ERROR, "SETTINGS sent twice; XRPC/1 settings are fixed for the connection")
            if self.settings_ack_received:
                # Allowed by §3.2 ("accepted (and ignored) at any time, even unsolicited"),
                # but the server sends exactly one ACK; note it.
                self.log("a second SETTINGS ACK (ignored)")
            self.settings_ack_received = True
            return True
        if frame.type == PING:
            if frame.flags & ACK:
                if frame.payload != self.ping_data:
                    raise self.sender_violation(f"PING ACK carries {frame.payload.hex()}, not the 8 bytes of our PING {self.ping_data.hex()} (§4.9)")
                if self.ping_acked:
                    raise self.sender_violation("a second PING ACK for one PING (§4.9)")
                self.ping_acked = True
            else:
                self.transport.write(encode_frame(PING, ACK, 0, frame.payload))
            return True
        if frame.type == GOAWAY:
            last, code = struct.unpack_from(">II", frame.payload, 0)
            last &= 0x7FFFFFFF
            text = frame.payload[8:].decode("utf-8", "replace")
            self.log(f"GOAWAY last={last} code={error_name(code)} text={text!r}")
            self.draining = True
            self.goaway_last_stream = last if self.goaway_last_stream is None else min(last, self.goaway_last_stream)
            self.goaway_code = code
            return True
        if frame.type == WINDOW_UPDATE:
            return True  # no flow control in 1.0 (§4.11); checked in check_frame_common
        if frame.type not in FRAME_NAMES:
            self.log(f"ignoring {frame.describe()}")
            return True  # unknown types are ignored (§4.2)
        return False

    # -- calls (§7, §12.3) --

    def unary(self, method: str, request: bytes, timeout_micros: int | None,
              metadata: list[tuple[str, str | bytes]]) -> CallResult:
        result = CallResult()
        if self.draining or self.transport.closed:
            return result.fail_local(UNAVAILABLE, "connection is draining or closed; call not sent")
        if self.next_stream > MAX_STREAM_ID:
            return result.fail_local(UNAVAILABLE, "connection ran out of stream ids; the call was not sent")
        headers = encode_request_headers(method, timeout_micros, metadata)
        if len(headers) > self.peer["max_header_size"]:
            return result.fail_local(RESOURCE_EXHAUSTED, f"request headers of {len(headers)} bytes exceed the server's limit")
        if len(request) > self.peer["max_message_size"]:
            return result.fail_local(RESOURCE_EXHAUSTED, f"request of {len(request)} bytes exceeds the server's limit")
        sid = self.next_stream
        self.next_stream += 2

        # HEADERS, MESSAGE fragments (§7.5), empty TRAILERS(END_STREAM) as half-close (§7.2 (a)).
        out = bytearray(encode_frame(HEADERS, 0, sid, headers))
        max_payload = self.peer["max_frame_payload"]
        offset = 0
        fragments = 0
        while True:
            chunk = request[offset:offset + max_payload]
            offset += len(chunk)
            flags = MORE if offset < len(request) else 0
            out += encode_frame(MESSAGE, flags, sid, chunk)
            fragments += 1
            if offset >= len(request):
                break
        out += encode_frame(TRAILERS, END_STREAM, sid)
        self.transport.write(bytes(out))
        self.log(f"stream {sid}: sent {method}, request of {len(request)} bytes in {fragments} MESSAGE frame(s)")
        result.request_fragments = fragments

        call_deadline = None if timeout_micros is None else time.monotonic() + timeout_micros / 1e6
        got_headers = False
        in_fragment = False
        current = bytearray()
        response_fragments = []
        while True:
            io_deadline = time.monotonic() + self.io_timeout
            deadline = io_deadline if call_deadline is None else min(io_deadline, call_deadline)
            try:
                frame = self.read_frame(deadline)
            except IOTimeout:
                if call_deadline is not None and time.monotonic() >= call_deadline:
                    self.send_rst(sid, CANCEL, f"deadline of {timeout_micros} µs exceeded")
                    return result.fail_local(DEADLINE_EXCEEDED, "deadline exceeded")
                raise ConnectionFailed(f"no frame from the server within {self.io_timeout} s while waiting on stream {sid}") from None
            except ConnectionFailed as error:
                return result.fail_local(UNAVAILABLE, f"connection lost: {error}")

            self.check_frame_common(frame)
            if frame.type in (HEADERS, MESSAGE, TRAILERS, RST) and not self.settings_ack_received:
                # §3.2: the server sends its SETTINGS, then the ACK, before anything else.
                raise self.sender_violation(f"{frame.describe()} arrived before the server's SETTINGS ACK (§3.2 says SETTINGS, then ACK, in that order)")
            if self.handle_connection_frame(frame):
                if frame.type == GOAWAY and sid > self.goaway_last_stream:
                    return result.fail_local(UNAVAILABLE, f"GOAWAY with last stream id {self.goaway_last_stream} < {sid}: not processed")
                continue

            # HEADERS, MESSAGE, TRAILERS, RST
            if self.never_opened(frame.stream):
                raise self.connection_error(PROTOCOL_ERROR, f"{FRAME_NAMES[frame.type]} for stream {frame.stream}, which was never opened")
            if frame.stream != sid:
                self.log(f"ignoring {frame.describe()} for a closed stream")
                continue
            if frame.type == RST:
                code = struct.unpack_from(">I", frame.payload, 0)[0] if frame.length >= 4 else PROTOCOL_ERROR
                reason = frame.payload[4:].decode("utf-8", "replace")
                mapped = {REFUSED_STREAM: UNAVAILABLE, CANCEL: CANCELLED, ENHANCE_YOUR_CALM: RESOURCE_EXHAUSTED,
                          FRAME_SIZE_ERROR: RESOURCE_EXHAUSTED}.get(code, INTERNAL)  # §9.7
                result.code, result.message = mapped, f"RST {error_name(code)}: {reason}"
                return result
            if frame.oversized:
                self.send_rst(sid, CANCEL, "header block above the client's max_header_size")
                return result.fail_local(RESOURCE_EXHAUSTED, f"{FRAME_NAMES[frame.type]} of {frame.length} bytes exceeds our max_header_size")
            if frame.type == HEADERS:
                if frame.flags & END_STREAM:
                    raise self.sender_violation(f"{frame.describe()}: the server MUST NOT set END_STREAM on HEADERS (§4.5)")
                if got_headers:
                    raise self.stream_error(sid, PROTOCOL_ERROR, "second response HEADERS")
                got_headers = True
                try:
                    result.headers = decode_response_headers(frame.payload)
                except DecodeError as error:
                    raise self.stream_error(sid, PROTOCOL_ERROR, f"invalid ResponseHeaders: {error}")
            elif frame.type == MESSAGE:
                if frame.flags & COMPRESSED:
                    raise self.stream_error(sid, PROTOCOL_ERROR, "MESSAGE with COMPRESSED")
                if frame.flags & END_STREAM:
                    raise self.stream_error(sid, PROTOCOL_ERROR, "server MESSAGE with END_STREAM")
                if not got_headers:
                    raise self.stream_error(sid, PROTOCOL_ERROR, "MESSAGE before response HEADERS")
                if len(current) + frame.length > self.my["max_message_size"]:
                    self.send_rst(sid, CANCEL, "response message above the client's max_message_size")
                    return result.fail_local(RESOURCE_EXHAUSTED, "response message too large")
                current += frame.payload
                in_fragment = bool(frame.flags & MORE)
                response_fragments.append(frame.length)
                if not in_fragment:
                    result.messages.append(bytes(current))
                    current = bytearray()
            else:  # TRAILERS: the call is over
                if not frame.flags & END_STREAM:
                    raise self.sender_violation(f"{frame.describe()}: the server MUST set END_STREAM on TRAILERS (§4.7)")
                if in_fragment:
                    raise self.stream_error(sid, PROTOCOL_ERROR, "TRAILERS in the middle of a fragmented message")
                try:
                    trailers = decode_trailers(frame.payload)
                except DecodeError as error:
                    raise self.stream_error(sid, PROTOCOL_ERROR, f"invalid Trailers: {error}")
                result.code = trailers["code"]
                result.message = trailers["message"]
                result.details = trailers["details"]
                result.trailers_metadata = trailers["metadata"]
                result.trailers_only = not got_headers
                result.response_fragments = response_fragments
                self.log(f"stream {sid}: status {result.code} {result.message!r}, "
                         f"{len(result.messages)} message(s), response fragments {response_fragments}, "
                         f"headers {result.headers}, trailing metadata {result.trailers_metadata}")
                return result

    # -- shutdown (§10.2, §12.1 step 12) --

    def shutdown(self, wait: float) -> bool:
        """Sends GOAWAY(0, NO_ERROR) and waits up to `wait` seconds for the server to close the
        connection (it has no streams left, §10.2). Returns True if it closed."""
        if self.transport is None or self.transport.closed:
            return False
        try:
            self.transport.write(encode_frame(GOAWAY, 0, 0, struct.pack(">II", 0, NO_ERROR) + b"client shutting down"))
        except ConnectionFailed:
            return True
        deadline = time.monotonic() + wait
        closed = False
        while True:
            try:
                frame = self.read_frame(deadline)
            except IOTimeout:
                break
            except ConnectionFailed:
                closed = True
                break
            self.check_frame_common(frame)
            if self.handle_connection_frame(frame):
                continue
            if self.never_opened(frame.stream):
                raise self.connection_error(PROTOCOL_ERROR, f"{FRAME_NAMES[frame.type]} for stream {frame.stream}, which was never opened")
            self.log(f"ignoring {frame.describe()} for a closed stream")
        self.close()
        return closed

    def wait_for_ping_ack(self) -> None:
        deadline = time.monotonic() + self.io_timeout
        while not self.ping_acked:
            try:
                frame = self.read_frame(deadline)
            except IOTimeout:
                raise ProtocolViolation(f"no PING ACK within {self.io_timeout} s (§4.9)") from None
            self.check_frame_common(frame)
            if not self.handle_connection_frame(frame):
                if self.never_opened(frame.stream):
                    raise self.connection_error(PROTOCOL_ERROR, f"{FRAME_NAMES[frame.type]} for stream {frame.stream}, which was never opened")


# --- main ---------------------------------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(description="XRPC/1 client written from docs/PROTOCOL.md alone")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ca", required=True, help="PEM file with the CA that signed the server certificate")
    parser.add_argument("--cert", help="client certificate, PEM")
    parser.add_argument("--key", help="client private key, PEM")
    parser.add_argument("--server-name", default="localhost", help="SNI and the name to verify (default localhost)")
    parser.add_argument("--payload", default="hello", help="EchoRequest.payload, UTF-8")
    parser.add_argument("--payload-size", type=int, help="use N bytes of 'p' as the payload instead")
    parser.add_argument("--timeout-ms", type=int, help="call deadline in milliseconds (timeout_micros)")
    parser.add_argument("--max-frame-payload", type=int, default=16384,
                        help="max_frame_payload this client announces (default 16384, the minimum, "
                             "so that large responses arrive fragmented)")
    parser.add_argument("--io-timeout", type=float, default=20.0,
                        help="seconds to wait for any expected frame before giving up")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    if bool(args.cert) != bool(args.key):
        parser.error("--cert and --key go together")
    if args.payload_size is not None and args.payload_size < 0:
        parser.error("--payload-size must be >= 0")
    if not 16384 <= args.max_frame_payload <= MAX_STREAM_ID:
        parser.error("--max-frame-payload must be in 16384 ... 2^31-1")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    payload = b"p" * args.payload_size if args.payload_size is not None else args.payload.encode("utf-8")
    timeout_micros = args.timeout_ms * 1000 if args.timeout_ms is not None else None
    conn = Connection(args)
    try:
        conn.connect()
        request = encode_echo_request(payload)
        if args.payload_size is not None and len(request) <= conn.peer["max_frame_payload"]:
            print(f"xrpc_doc_client: note: a request of {len(request)} bytes fits in one frame "
                  f"(server max_frame_payload {conn.peer['max_frame_payload']}); no fragmentation", file=sys.stderr)

        echo = conn.unary("/voucherd.v1.Testing/Echo", request, timeout_micros, [("x-client", "python")])
        response = None
        if echo.code == OK:
            if len(echo.messages) != 1:
                raise ProtocolViolation(f"unary call ended OK with {len(echo.messages)} response messages, not 1 (§7.3)")
            try:
                response = decode_echo_response(echo.messages[0])
            except DecodeError as error:
                raise ProtocolViolation(f"response is not a valid EchoResponse: {error}") from None

        nope = conn.unary("/voucherd.v1.Testing/Nope", encode_echo_request(b"hello"), None, [("x-client", "python")])
        if not nope.local and not nope.trailers_only:
            print("xrpc_doc_client: note: the unknown method was not answered trailers-only (§7.4 says it is)", file=sys.stderr)

        conn.wait_for_ping_ack()
        server_closed = conn.shutdown(wait=5.0)
    except ProtocolViolation as error:
        conn.close()
        print(f"xrpc_doc_client: protocol violation by the server: {error}", file=sys.stderr)
        return 2
    except ConnectionFailed as error:
        conn.close()
        print(f"xrpc_doc_client: connection failed: {error}", file=sys.stderr)
        return 3

    body = response["payload"] if response else b""
    out = {
        "status": echo.code,
        "message": echo.message,
        "payload_len": len(body),
        "payload_prefix": body[:16].decode("utf-8", "replace"),
        "peer_identity": response["peer_identity"] if response else "",
        "metadata": response["metadata"] if response else [],
        "unknown_method_status": nope.code,
        "unknown_method_message": nope.message,
        "unknown_method_trailers_only": nope.trailers_only,
        "request_fragments": getattr(echo, "request_fragments", 0),
        "response_fragments": len(getattr(echo, "response_fragments", [])),
        "server_settings": conn.peer_raw_settings,
        "server_closed_after_goaway": server_closed,
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
