"""Look and feel: a CJK font that Qt can draw, type set in points at the screen's real size (ui.display),
touch targets above their floors, and colours whose contrast is measured (tests/test_legibility.py).

Elderly mode (长辈版) follows the 适老化 numbers: main text at least 18 pt and the largest at least
30 pt, line spacing 1.3 (``ui.widgets.Label``), touch targets at least 60 x 60 px (44 x 44 in standard
mode), text contrast at least 4.5:1 and borders, focus and state indicators at least 3:1 in both
modes. State is never shown by colour alone: a checked choice carries a tick, a notice a sign.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

from common.fonts import FontMissingError, cjk_font_path
from ui.display import SMALL, Display, below_design

ACCENT = "#1565c0"         # 5.75:1 on white
ACCENT_DARK = "#0d47a1"    # the header; white on it 8.6:1
TEXT = "#1b1b1b"
MUTED = "#4a4a4a"          # secondary text, 8.9:1 on the page
TICK = (Path(__file__).parent / "icons" / "tick.svg").as_posix()  # white, drawn on the accent
CHEVRON = (Path(__file__).parent / "icons" / "chevron-down.svg").as_posix()  # the accent, on white
CHEVRON_OFF = (Path(__file__).parent / "icons" / "chevron-down-disabled.svg").as_posix()  # the border's grey
BORDER = "#6b778a"         # input and list borders, 4.5:1 on white (WCAG 1.4.11 asks 3:1)
ERROR, ERROR_BG = "#b71c1c", "#fdecea"
INFO, INFO_BG = "#1b5e20", "#e8f5e9"
CHECK, CHECK_BG = "#7a3b00", "#fff4e0"  # amber: look for yourself (7.9:1)
PAGE = "#f3f6fa"
# a scrolling part's bar, so that "there is more below" shows: the handle (BORDER) 3.6:1 on its groove (WCAG 1.4.11
# asks 3:1); Fusion's own was a hairline handle and two small arrows, hardly seen
SCROLL_GROOVE = "#e1e6ee"

# Type in points: (standard, elderly). Elderly main text >= 18 pt, the largest >= 30 pt.
FONT_PT = {
    "body": (15, 20), "header": (16, 20), "header_button": (14, 18), "footer": (12, 18), "title": (26, 32),
    "subtitle": (17, 22), "notice": (16, 20), "big": (36, 44), "button": (17, 22), "service": (16, 20),
    "key": (21, 26), "key_action": (15, 20), "choice": (16, 20), "small": (15, 18), "guide": (16, 20),
    "advice": (19, 24), "list": (15, 20), "table": (13, 18), "input": (22, 26),
}
# the widest built-in keyboard (ui/keyboard.py: the ID number's pad and 9 letters a row) and what is beside it on a
# screen: the window's and the screen's margins, the gap between the blocks and the keys' spacing
KEY_COLUMNS, KEYBOARD_MARGINS_PX = 12, 260
NARROW_PAD_KEYS = 1.75  # a number pad's key on a narrow screen, in keys
# The touch floors in pixels (WCAG 2.5.5: 44 x 44; the 适老化 rules: 60 x 60)
TOUCH_PX = {False: 44, True: 60}


@dataclass(frozen=True)
class Theme:
    """The sizes for one screen and text size. Layouts go by proportion: a screen larger than the small panel
    (1280 x 800) shows the same design scaled by its short side's ratio, so a 1920 x 1080 kiosk is not a small
    picture in the middle of a large screen; and nothing is ever smaller than its points at the screen's real
    size (a large, coarse screen gets the type its size asks for)."""

    display: Display = SMALL
    elderly: bool = False

    @property
    def scale(self) -> float:
        return max(1.0, min(self.display.width_px / SMALL.width_px, self.display.height_px / SMALL.height_px))

    def px(self, pt: float) -> int:
        return max(round(SMALL.px(pt) * self.scale), self.display.px(pt))

    def font_px(self, role: str) -> int:
        return self.px(FONT_PT[role][self.elderly])

    def font_pt(self, role: str) -> float:
        return FONT_PT[role][self.elderly]

    @property
    def touch_px(self) -> int:
        return TOUCH_PX[self.elderly]

    def size_px(self, pt: float, touch: bool = False) -> int:
        """A dimension given in points (so it grows with the type), at least the touch floor for a target."""
        px = self.px(pt * (1.3 if self.elderly else 1.0))
        return max(px, self.touch_px) if touch else px


def install_font(app: QApplication) -> str:
    """Register WenQuanYi Micro Hei with Qt (without it, Chinese is drawn as empty boxes)."""
    family = "Sans Serif"
    try:
        font_id = QFontDatabase.addApplicationFont(str(cjk_font_path()))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if families:
            family = families[0]
    except FontMissingError:
        pass
    app.setFont(QFont(family, 16))
    return family


def install_palette(app: QApplication) -> None:
    """What stylesheets cannot set: the hint text in an empty field, at 4.5:1 or more on white (Qt's default
    grey is 3.3:1)."""
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor(MUTED))
    app.setPalette(palette)


def narrow(display: Display) -> bool:
    """A landscape screen narrower or shorter than the design (``ui.display.below_design``): an old 4:3 kiosk's
    1024 x 768, a 720p panel's 1280 x 720."""
    return not display.portrait and below_design(display.width_px, display.height_px)


def stylesheet(theme: Theme | None = None) -> str:
    t = theme or Theme()

    def f(role: str) -> str:
        return f"font-size: {t.font_px(role)}px;"

    def d(pt: float) -> str:
        return f"{t.size_px(pt)}px"

    def target(pt: float) -> str:
        return f"{t.size_px(pt, touch=True)}px"

    touch = f"{t.touch_px}px"
    # keys: 48 pt standard (65 px on the small panel); in large text just over the 60 px floor, so that the
    # keyboard still leaves its field in sight on a 800 px high screen
    key_height = max(t.touch_px, t.px(52 if t.elderly else 48))
    # On a landscape screen narrower than the design (``narrow``: an old 4:3 kiosk's 1024 x 768) the keyboards fit its
    # width, never below the touch floor: a key as wide as the widest built-in layout (the ID number's pad and letters,
    # KEY_COLUMNS keys) allows beside the margins (80 px keys took 1,108 px), a number pad's keys NARROW_PAD_KEYS keys
    # wide (beside "Back" and "Continue" its 153 px keys left "Backspace" 124 px of the 135 its words need), an action
    # key's words with less padding at its sides; and keys and buttons have less air above and below (an agent's form
    # with the pinyin keyboard lost its "Back" and "Continue" under the footer).
    key_width, key_action_pad, pad_width = t.size_px(45, touch=True), t.size_px(8), t.size_px(84, touch=True)
    button_pad = d(8)
    if narrow(t.display):
        key_width = max(t.touch_px, min(key_width, (t.display.width_px - KEYBOARD_MARGINS_PX) // KEY_COLUMNS))
        key_height, key_action_pad, button_pad = t.touch_px, 2, d(4)
        pad_width = max(t.touch_px, min(pad_width, round(NARROW_PAD_KEYS * key_width)))
    # the home screen's two ways in, by proportion of the screen: a third of its width, an eighth of its height
    hero_w = round(t.display.width_px * (0.34 if t.display.portrait else 0.28))  # content: padding comes on top
    hero_h = max(t.touch_px, round(t.display.height_px * (0.09 if t.display.portrait else 0.15)))
    return f"""
    QWidget {{ {f("body")} color: {TEXT}; }}
    QMainWindow, #root {{ background: {PAGE}; }}
    #header {{ background: {ACCENT_DARK}; }}
    #header QLabel {{ color: white; {f("header")} font-weight: bold; }}
    #header QPushButton {{ background: {ACCENT_DARK}; color: white; border: 2px solid white;
                          border-radius: 8px; padding: 4px {d(6)}; {f("header_button")}
                          min-height: {touch}; }}
    #header QPushButton:checked {{ background: white; color: {ACCENT_DARK}; }}
    #footer QLabel {{ color: {MUTED}; {f("footer")} }}
    #footer QLabel#notice {{ color: {ERROR}; padding: 2px {d(8)}; }}
    #idleWarning {{ background: #fff8e1; border-bottom: 3px solid #e65100; }}
    #waitBand {{ background: {INFO_BG}; border-bottom: 3px solid {INFO}; }}
    #title {{ {f("title")} font-weight: bold; color: #0d3c78; }}
    /* the caption of the field being typed in, while the title stands aside for it (ui/keys_give_way.py) */
    QLabel[headline="true"] {{ {f("title")} font-weight: bold; color: #0d3c78; }}
    #subtitle {{ {f("subtitle")} color: #333; }}
    #section {{ {f("subtitle")} font-weight: bold; color: #0d3c78; }}
    #notice {{ {f("notice")} color: {ERROR}; background: {ERROR_BG}; border: 2px solid {ERROR}; border-radius: 8px;
              padding: 6px {d(8)}; }}
    #info {{ {f("notice")} color: {INFO}; background: {INFO_BG}; border-radius: 8px; padding: 6px {d(8)}; }}
    #check {{ {f("notice")} color: {CHECK}; background: {CHECK_BG}; border: 2px solid {CHECK}; border-radius: 8px;
             padding: 6px {d(8)}; }}
    #big {{ {f("big")} font-weight: bold; color: #0d3c78; }}
    /* a number too long for one line in the big type, in the title's on one line (ui/screens/citizen.py, DoneScreen) */
    QLabel#big[long="true"] {{ {f("title")} }}
    #card {{ background: white; border: 1px solid {BORDER}; border-radius: 12px; }}
    QScrollBar:vertical {{ background: {SCROLL_GROOVE}; width: {d(9)}; margin: 0; border: none;
                          border-radius: {d(4)}; }}
    QScrollBar:horizontal {{ background: {SCROLL_GROOVE}; height: {d(9)}; margin: 0; border: none;
                            border-radius: {d(4)}; }}
    QScrollBar::handle {{ background: {BORDER}; border-radius: {d(4)}; }}
    QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; border: none; background: none; }}
    QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
    QPushButton {{ background: white; border: 2px solid {ACCENT}; border-radius: 12px; color: {ACCENT};
                  padding: {button_pad} {d(16)}; {f("button")} min-height: {target(30)}; }}
    /* no min-width for buttons with words: an explicit one would let a layout squeeze them below their text */
    QPushButton:pressed {{ background: #e3eefc; }}
    QPushButton:focus {{ border: 3px solid #0d3c78; }}
    QPushButton#primary {{ background: {ACCENT}; color: white; }}
    QPushButton#service {{ text-align: left; padding: {d(10)}; {f("service")} min-height: {target(66)}; }}
    /* while the search's keys are up: a line each, the name alone (ui/screens/citizen.py, ServicesScreen) */
    QPushButton#service[brief="true"] {{ padding: {d(2)} {d(10)}; min-height: {touch}; }}
    QPushButton#key, QPushButton#keyAction {{ padding: 0px; border-radius: 10px; {f("key")}
                                             min-height: {key_height}px; min-width: {key_width}px; }}
    QPushButton#key[pad="true"] {{ min-width: {pad_width}px; }}
    QPushButton#key[latin="true"] {{ min-width: 60px; }}  /* taller in large text, not wider: the row still fits */
    QPushButton#keyAction {{ background: #e3eefc; {f("key_action")} padding: 0px {key_action_pad}px; }}
    QPushButton#keyAction:checked {{ background: {ACCENT}; color: white; }}
    QPushButton#key:pressed, QPushButton#keyAction:pressed {{ background: #bbd4f5; }}
    QPushButton[hero="true"] {{ {f("title")} min-width: {hero_w}px; min-height: {hero_h}px; }}
    QLabel[hero="true"] {{ font-size: {round(t.font_px("big") * 1.1)}px; }}
    QPushButton#choice {{ {f("choice")} min-height: {target(30)}; padding: {d(6)} {d(12)}; }}
    QPushButton#choice:checked {{ background: {ACCENT}; color: white; }}
    #fieldError {{ {f("small")} color: {ERROR}; }}
    #materialStatus {{ {f("small")} color: {INFO}; }}
    #guide {{ {f("guide")} }}
    #advice {{ {f("advice")} font-weight: bold; color: #0d3c78; }}
    #previewFrame {{ {f("advice")} }}
    QPushButton:disabled {{ border-color: #9e9e9e; color: #757575; }}
    QPushButton#primary:disabled {{ background: #cfd8dc; color: #37474f; border-color: #90a4ae; }}
    QProgressBar {{ min-height: {d(12)}; border-radius: 9px; background: #dde5f0; border: 1px solid {BORDER}; }}
    QProgressBar::chunk {{ background: {ACCENT}; border-radius: 9px; }}
    QScrollArea, QScrollArea > QWidget > QWidget {{ background: transparent; }}
    QListWidget {{ {f("list")} background: white; border: 1px solid {BORDER}; border-radius: 8px; }}
    QListWidget::item {{ min-height: {touch}; padding: 0 {d(6)}; }}  /* as tall as a touch target; off the border */
    QListWidget::indicator {{ width: {d(16)}; height: {d(16)}; }}
    QListWidget::indicator:unchecked {{ border: 2px solid {BORDER}; background: white; border-radius: 4px; }}
    QListWidget::indicator:checked {{ border: 2px solid {ACCENT}; background: {ACCENT}; border-radius: 4px;
                                     image: url({TICK}); }}  /* a tick, not the colour alone (a selected row is blue) */
    QTableWidget {{ {f("table")} background: white; }}
    QComboBox {{ {f("list")} min-height: {target(24)}; border: 2px solid {BORDER}; border-radius: 8px;
                padding: 0px {d(8)}; background: white; }}
    /* a list that opens says so: the style's own arrow was 5 px, drawn over the border's corner */
    QComboBox::drop-down {{ subcontrol-origin: padding; subcontrol-position: center right; width: {d(28)};
                           border: none; }}
    QComboBox::down-arrow {{ image: url({CHEVRON}); width: {d(16)}; height: {d(16)}; }}
    QComboBox::down-arrow:disabled {{ image: url({CHEVRON_OFF}); }}
    QLineEdit {{ {f("input")} padding: {d(6)}; border: 2px solid {BORDER}; border-radius: 8px; background: white;
                placeholder-text-color: {MUTED};
                min-height: {target(30)}; }}
    QLineEdit:focus {{ border: 3px solid {ACCENT}; }}
    /* the service search while its keys are up, in the title's type in the title's place (ui/screens/citizen.py) */
    QLineEdit#search[typing="true"] {{ {f("title")} }}
    /* the clerk's desk (ui/window_view.py): a station worked with a mouse, its rows many; the touch floor kept, the
       padding less, so that every row of a matter fits 1280 x 800 in large text */
    #desk QPushButton {{ padding: {d(2)} {d(12)}; min-height: {touch}; }}
    /* its fields in the size of the lists and choices beside them (the kiosk's is for a finger and eyes further
       away): at the kiosk's size a field's hint was cut short ("Company credit co…" in large English) */
    #desk QLineEdit {{ {f("list")} padding: {d(2)} {d(6)}; min-height: {touch}; }}
    """ + (f"""
    /* large text: a field's 60 px and its caption fit together in the part that scrolls above the pinyin keys
       (126 px on 1280 x 800); with the padding above and below at 11 px the caption was cut in half */
    QLineEdit#field {{ padding: {d(3)} {d(6)}; }}
    """ if t.elderly else "")
