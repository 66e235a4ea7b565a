#!/usr/bin/env python3
"""Writes the seed corpora of the XRPC/1 fuzz targets (Corpus/<target>/), byte by byte from
docs/PROTOCOL.md, without the Swift code under test. Rerun after changing it; the files are
committed, so a run of the fuzzers needs no Python.

Every input is: flags (1 byte), split seed (1 byte, 0 = one read), then the peer's bytes.
  fuzz-frame-decoder flags:     bit 0 expect the preface; bits 1-2 limits
                                (0: 64 KiB/16 KiB, 1: 16 KiB/1 KiB, 2: 64/16 bytes, 3: 0/0)
  fuzz-server-connection flags: bit 0 graceful shutdown halfway; bit 1 let 11 s pass;
                                bit 2 wrong ALPN; bit 3 small server limits (64-byte messages,
                                2 streams, 1 KiB headers)
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
PREFACE = bytes([0x58, 0x52, 0x50, 0x43, 0x0D, 0x0A, 0x01, 0x00])
SETTINGS, HEADERS, MESSAGE, TRAILERS, RST, PING, GOAWAY, WINDOW_UPDATE = range(8)
END_STREAM, ACK, COMPRESSED, MORE = 0x01, 0x02, 0x04, 0x08
ECHO = "/voucherd.v1.Testing/Echo"


def frame(type_, stream, payload=b"", flags=0, length=None):
    n = len(payload) if length is None else length
    return struct.pack(">IBBHI", n, type_, flags, 0, stream) + payload


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(number, wire, value):
    tag = varint(number << 3 | wire)
    if wire == 0:
        return tag + varint(value)
    return tag + varint(len(value)) + value


def entry(key, text=None, binary=None):
    body = field(1, 2, key.encode())
    if text is not None:
        body += field(2, 2, text.encode())
    if binary is not None:
        body += field(3, 2, binary)
    return body


def request_headers(method=ECHO, timeout=None, metadata=()):
    out = field(1, 2, method.encode())
    if timeout is not None:
        out += field(2, 0, timeout)
    for e in metadata:
        out += field(3, 2, e)
    return out


def settings(frame_payload=65536, message=4 << 20, header=16384, streams=100, window=65536):
    return (field(1, 0, frame_payload) + field(2, 0, message) + field(3, 0, header)
            + field(4, 0, streams) + field(5, 0, window))


HELLO = frame(SETTINGS, 0, settings()) + frame(SETTINGS, 0, flags=ACK)


def unary(stream=1, message=b"hello", **headers):
    return (frame(HEADERS, stream, request_headers(**headers)) + frame(MESSAGE, stream, message)
            + frame(TRAILERS, stream, flags=END_STREAM))


def write(target, name, flags, seed, data):
    folder = os.path.join(HERE, "Corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(bytes([flags, seed]) + data)


def server_seeds():
    t = "fuzz-server-connection"
    call = PREFACE + HELLO + unary()
    write(t, "unary-call", 0, 0, call)
    write(t, "unary-call-split-1-byte", 0, 8, call)  # seed 8: pieces of 1 byte
    write(t, "unary-call-split-random", 0, 0x2D, call)
    write(t, "unary-empty-settings", 0, 0, PREFACE + frame(SETTINGS, 0) + unary())
    write(t, "unary-with-deadline", 2, 0, PREFACE + HELLO + unary(timeout=1_000_000))
    write(t, "unary-deadline-zero", 0, 0, PREFACE + HELLO + unary(timeout=0))
    write(t, "unary-metadata", 0, 0, PREFACE + HELLO + unary(metadata=[
        entry("x-trace", text="abc"), entry("trace-bin", binary=b"\x00\xff"), entry("Upper", text="v")]))
    write(t, "bad-metadata-key", 0, 0, PREFACE + HELLO + unary(metadata=[entry("bad key", text="v")]))
    write(t, "text-under-bin-key", 0, 0, PREFACE + HELLO + unary(metadata=[entry("x-bin", text="v")]))
    write(t, "error-status", 0, 0, PREFACE + HELLO + unary(message=b"Efail"))
    write(t, "unknown-method", 0, 0, PREFACE + HELLO + unary(method="/no.Such/Method"))
    write(t, "malformed-method", 0, 0, PREFACE + HELLO + unary(method="nope"))
    write(t, "headers-end-stream", 0, 0, PREFACE + HELLO + frame(HEADERS, 1, request_headers(), END_STREAM))
    write(t, "message-end-stream", 0, 0, PREFACE + HELLO + frame(HEADERS, 1, request_headers())
          + frame(MESSAGE, 1, b"hi", END_STREAM))
    frag = (frame(HEADERS, 1, request_headers()) + frame(MESSAGE, 1, b"ab", MORE) + frame(MESSAGE, 1, b"", MORE)
            + frame(MESSAGE, 1, b"cd") + frame(TRAILERS, 1, flags=END_STREAM))
    write(t, "fragmented-message", 0, 0, PREFACE + HELLO + frag)
    inter = (frame(HEADERS, 1, request_headers()) + frame(HEADERS, 3, request_headers())
             + frame(MESSAGE, 3, b"x", MORE) + frame(MESSAGE, 1, b"one") + frame(MESSAGE, 3, b"y")
             + frame(TRAILERS, 3, flags=END_STREAM) + frame(MESSAGE, 1, b"two") + frame(TRAILERS, 1, flags=END_STREAM))
    write(t, "two-streams-interleaved", 0, 0, PREFACE + HELLO + inter)
    write(t, "client-rst", 0, 0, PREFACE + HELLO + frame(HEADERS, 1, request_headers())
          + frame(MESSAGE, 1, b"x") + frame(RST, 1, struct.pack(">I", 8) + b"bye"))
    write(t, "control-frames", 0, 0, PREFACE + HELLO + frame(PING, 0, b"12345678") + frame(PING, 0, b"abcdefgh", ACK)
          + frame(WINDOW_UPDATE, 0, struct.pack(">I", 1)) + frame(0x2A, 9, b"unknown") + unary()
          + frame(WINDOW_UPDATE, 1, struct.pack(">I", 1)) + frame(GOAWAY, 0, struct.pack(">II", 0, 0) + b"done"))
    write(t, "message-after-end-stream", 0, 0, PREFACE + HELLO + frame(HEADERS, 1, request_headers(), END_STREAM)
          + frame(MESSAGE, 1, b"late"))
    write(t, "compressed-and-more-end", 0, 0, PREFACE + HELLO + frame(HEADERS, 1, request_headers())
          + frame(MESSAGE, 1, b"z", COMPRESSED) + frame(HEADERS, 3, request_headers())
          + frame(MESSAGE, 3, b"z", MORE | END_STREAM))
    write(t, "small-limits-big-message", 8, 0, PREFACE + HELLO + unary(message=bytes(100)))
    write(t, "small-limits-three-streams", 8, 0, PREFACE + HELLO + frame(HEADERS, 1, request_headers())
          + frame(HEADERS, 3, request_headers()) + frame(HEADERS, 5, request_headers()) + unary(stream=7))
    write(t, "small-limits-oversized-headers", 8, 0x33, PREFACE + HELLO
          + frame(HEADERS, 1, request_headers(metadata=[entry("k", text="v" * 1100)])) + unary(stream=3))
    write(t, "graceful-shutdown", 1, 0x05, PREFACE + HELLO + unary() + unary(stream=3))
    write(t, "wrong-alpn", 4, 0, PREFACE + HELLO + unary())
    write(t, "handshake-timeout", 2, 0, PREFACE)
    write(t, "bad-preface-http2", 0, 0, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
    write(t, "first-frame-not-settings", 0, 0, PREFACE + frame(PING, 0, b"12345678"))
    write(t, "settings-twice", 0, 0, PREFACE + HELLO + frame(SETTINGS, 0, settings()))
    write(t, "settings-too-small", 0, 0, PREFACE + frame(SETTINGS, 0, settings(frame_payload=100)))
    write(t, "even-stream", 0, 0, PREFACE + HELLO + frame(HEADERS, 2, request_headers()))
    write(t, "stream-id-goes-down", 0, 0, PREFACE + HELLO + unary(stream=5) + unary(stream=3))
    write(t, "frame-too-large", 0, 0, PREFACE + HELLO + frame(MESSAGE, 1, length=0x7FFFFFFF))


def decoder_seeds():
    t = "fuzz-frame-decoder"
    every = (frame(SETTINGS, 0, settings()) + frame(SETTINGS, 0, flags=ACK) + frame(HEADERS, 1, request_headers())
             + frame(MESSAGE, 1, b"hello", END_STREAM) + frame(MESSAGE, 1, b"frag", MORE)
             + frame(TRAILERS, 1, field(1, 0, 0), END_STREAM) + frame(RST, 3, struct.pack(">I", 8))
             + frame(PING, 0, b"12345678") + frame(GOAWAY, 0, struct.pack(">II", 1, 0))
             + frame(WINDOW_UPDATE, 0, struct.pack(">I", 1)) + frame(0xFF, 0x80000005, b"?"))
    write(t, "every-type", 0, 0, every)
    write(t, "every-type-split", 0, 0x2B, every)
    write(t, "every-type-1-byte-reads", 0, 8, every)
    write(t, "preface-and-frames", 1, 0, PREFACE + every)
    write(t, "preface-split", 1, 0x11, PREFACE + every)
    write(t, "bad-preface", 1, 0, PREFACE[:5] + b"\x00" + PREFACE[6:] + every)
    write(t, "partial-preface", 1, 0, PREFACE[:3])
    write(t, "partial-header", 0, 0, frame(MESSAGE, 1, b"abc")[:7])
    write(t, "partial-payload", 0, 0, frame(MESSAGE, 1, b"abcdef")[:15])
    write(t, "empty-payloads", 0, 0, b"".join(frame(ty, 1) for ty in range(9)))
    write(t, "too-large", 0, 0, frame(MESSAGE, 1, length=0xFFFFFFFF))
    write(t, "oversized-headers-skipped", 2, 0x0C, frame(HEADERS, 1, b"h" * 1500) + frame(TRAILERS, 1, b"t" * 1025)
          + frame(MESSAGE, 1, b"after"))
    write(t, "tiny-limits", 4, 0x23, frame(HEADERS, 1, b"h" * 20) + frame(MESSAGE, 1, b"m" * 64)
          + frame(MESSAGE, 1, b"m" * 65))
    write(t, "zero-limits", 6, 0, frame(HEADERS, 1, b"x") + frame(MESSAGE, 1))
    write(t, "reserved-bits", 0, 0, struct.pack(">IBBHI", 2, MESSAGE, 0xFF, 0xFFFF, 0xFFFFFFFF) + b"ok")


if __name__ == "__main__":
    server_seeds()
    decoder_seeds()
