"""What a receipt is made of, independent of any printer's command set."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Union

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Line:
    text: str
    align: Align = "left"
    bold: bool = False
    size: int = 1  # 1 normal, 2 double width and height


@dataclass(frozen=True)
class Qr:
    data: str
    module: int = 6  # dots per module


@dataclass(frozen=True)
class Rule:
    char: str = "-"


@dataclass(frozen=True)
class Feed:
    lines: int = 1


Element = Union[Line, Qr, Rule, Feed]


@dataclass(frozen=True)
class ReceiptDocument:
    title: str
    elements: tuple[Element, ...] = field(default_factory=tuple)
