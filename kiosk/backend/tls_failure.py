"""What a TLS handshake with the backend that failed says to staff, in plain words.

A certificate that is not valid yet, or has expired, by this terminal's clock is most often the clock: a terminal
whose clock battery has gone flat starts years behind after a power cut, and a hall's network often lets no NTP
through. Every call to the backend then failed as "the backend's certificate is not trusted", which sent staff after
certificates; and the clock could not be learned from the backend's answers (kiosk/backend/client.py), as none came.
The check is OpenSSL's own (its verify code), read from the exception requests raised; the clock is the terminal's.
"""

from __future__ import annotations

import ssl
import time

NOT_YET_VALID, EXPIRED = 9, 10  # OpenSSL's X509_V_ERR_CERT_NOT_YET_VALID and X509_V_ERR_CERT_HAS_EXPIRED
_DEPTH = 8  # how deep the wrapped exceptions are looked through (requests, urllib3, ssl: three or four)


def verify_code(exc: BaseException) -> int | None:
    """OpenSSL's verify code of the certificate check that ``exc`` wraps, or None."""
    seen: set[int] = set()
    todo: list[tuple[object, int]] = [(exc, 0)]
    while todo:
        found, depth = todo.pop()
        if not isinstance(found, BaseException) or id(found) in seen or depth > _DEPTH:
            continue
        seen.add(id(found))
        if isinstance(found, ssl.SSLCertVerificationError):
            return found.verify_code
        todo.extend((inner, depth + 1) for inner in (*found.args, getattr(found, "reason", None), found.__cause__,
                                                     found.__context__))
    return None


def said(exc: BaseException, now: float | None = None) -> str:
    """The failure as staff read it (the log, maintenance's network line, kiosk doctor)."""
    clock = time.strftime("%Y-%m-%d %H:%M", time.localtime(time.time() if now is None else now))
    code = verify_code(exc)
    if code == NOT_YET_VALID:
        return (f"TLS: the backend's certificate is not valid yet by this terminal's clock ({clock}): the clock is "
                "most likely behind (a flat clock battery); set it (timedatectl set-time, or let NTP through), and the "
                "backend answers")
    if code == EXPIRED:
        return (f"TLS: the backend's certificate has expired by this terminal's clock ({clock}): either it has (the "
                "backend's to renew) or this terminal's clock is ahead")
    return f"TLS: the backend's certificate is not trusted ({exc})"
