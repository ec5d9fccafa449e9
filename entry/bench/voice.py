"""``kiosk bench voice``: how long espeak-ng takes to turn a kiosk prompt into audio, per language.

The prompts are the kiosk's own (screen titles and instructions, a notice, as ui/voice.py composes
them), each synthesized ``--rounds`` times through :class:`kiosk.voice.EspeakSynthesizer`, the
subprocess the voice guide runs on the task pool. Reported per language: ms a prompt (median, p95),
ms per character, seconds of speech per character, and the quietest prompt's loudness (RMS of full
scale). The verdict: every p95 under :data:`TARGET_MS` (the prompt is ready while the new screen is
still being looked at) and no prompt silent.
"""

from __future__ import annotations

import argparse
import time

from entry.bench import median, percentile

TARGET_MS = 250.0
QUIET = 0.02
# (title, instruction) of kiosk screens, and a notice; translated by the catalogue for zh_CN.
PROMPTS = (
    ("Run at most once", "Or place your ID card on the reader, show your government app's identity code, or "
                         "scan your receipt to check progress."),
    ("Please place your ID card on the reader", "Lay the card flat in the marked area below the screen and keep it "
                                                "there until it has been read."),
    ("Choose a service", ""),
    ("Please sign", ""),
    ("The ID card could not be read. Please place it flat on the reader and try again.", ""),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rounds", type=int, default=10, help="times each prompt is synthesized")
    parser.add_argument("--binary", default="espeak-ng", help="the espeak-ng program")


def _measure(lang: str, synthesizer, rounds: int) -> tuple[float, float]:
    from common.i18n import _, set_language
    from kiosk.voice import prompt

    set_language(lang)
    texts = [prompt([_(part) for part in parts if part], lang) for parts in PROMPTS]
    times, chars, speech, quietest = [], 0, 0.0, 1.0
    for text in texts:
        for _round in range(rounds):
            start = time.perf_counter()
            audio = synthesizer.synthesize(text, lang)
            times.append((time.perf_counter() - start) * 1000)
        chars += len(text)
        speech += audio.duration_s
        quietest = min(quietest, audio.rms())
    total_ms = sum(times) / rounds
    print(f"{lang:6s} {len(texts)} prompts x {rounds}: median {median(times):6.1f} ms, p95 "
          f"{percentile(times, 95):6.1f} ms a prompt; {total_ms / chars:5.2f} ms and {speech / chars:5.3f} s of "
          f"speech a character; quietest RMS {quietest:.3f}")
    return percentile(times, 95), quietest


def run(args: argparse.Namespace) -> int:
    from common.i18n import set_language
    from kiosk.voice import ESPEAK_VOICES, EspeakSynthesizer

    synthesizer = EspeakSynthesizer(args.binary)
    if not synthesizer.available():
        print(f"verdict: {args.binary} not found; install espeak-ng (scripts/system-deps.sh)")
        return 1
    print(f"{synthesizer.path()}; voices {ESPEAK_VOICES}")
    try:
        results = [_measure(lang, synthesizer, args.rounds) for lang in ("zh_CN", "en")]
    finally:
        set_language("zh_CN")
    ok = all(p95 < TARGET_MS and quietest > QUIET for p95, quietest in results)
    print(f"verdict: every p95 under {TARGET_MS:.0f} ms and no prompt silent" if ok else
          f"verdict: a p95 at or over {TARGET_MS:.0f} ms, or a silent prompt")
    return 0 if ok else 1
