"""The headless demo's ears: every prompt the kiosk's voice guide synthesized, written as a WAV file.

``voice/NNN-step-lang.wav`` under the demo's output folder, numbered in the order the prompts were
asked for (a prompt cut off by the next screen is written too: it is what would have been said), so
the folder plays the walkthrough back in order. The files are written on one writer thread, as the
screenshots are (entry/walkthrough.py ``Camera``); ``close`` waits for them and raises the first that
failed.
"""

from __future__ import annotations

from pathlib import Path

from entry.file_writer import BackgroundWriter
from ui.voice import SpokenPrompt


class VoiceRecorder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.wav"):
            old.unlink()
        self.files: list[Path] = []
        self._writer = BackgroundWriter("demo-voice")

    def heard(self, spoken: SpokenPrompt) -> None:
        """A voice guide's listener (GUI thread): the WAV is made and written on the writer thread."""
        path = self.folder / f"{spoken.number:03d}-{spoken.step}-{spoken.lang}.wav"
        self._writer.submit(lambda: path.write_bytes(spoken.audio.wav()))
        self.files.append(path)

    def close(self, timeout_s: float = 60.0) -> list[Path]:
        self._writer.close(timeout_s)
        return sorted(self.files)
