"""Look and feel: a CJK font that Qt can draw, large touch targets, an elderly mode with bigger type."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from common.fonts import FontMissingError, cjk_font_path

ACCENT = "#1565c0"


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


def stylesheet(scale: float = 1.0) -> str:
    def px(n: int) -> str:
        return f"{int(n * scale)}px"

    return f"""
    QWidget {{ font-size: {px(20)}; color: #1b1b1b; }}
    QMainWindow, #root {{ background: #f3f6fa; }}
    #header {{ background: {ACCENT}; }}
    #header QLabel {{ color: white; font-size: {px(24)}; font-weight: bold; }}
    #header QPushButton {{ background: rgba(255,255,255,0.18); color: white; border: 1px solid rgba(255,255,255,0.6);
                          border-radius: 8px; padding: 6px 16px; font-size: {px(18)}; min-height: {px(36)}; }}
    #footer QLabel {{ color: #555; font-size: {px(15)}; }}
    #title {{ font-size: {px(40)}; font-weight: bold; color: #0d3c78; }}
    #subtitle {{ font-size: {px(24)}; color: #333; }}
    #notice {{ font-size: {px(22)}; color: #b71c1c; background: #fdecea; border-radius: 8px; padding: 12px; }}
    #info {{ font-size: {px(22)}; color: #1b5e20; background: #e8f5e9; border-radius: 8px; padding: 12px; }}
    #big {{ font-size: {px(56)}; font-weight: bold; color: #0d3c78; }}
    #card {{ background: white; border: 1px solid #d5dde8; border-radius: 12px; }}
    QPushButton {{ background: white; border: 2px solid {ACCENT}; border-radius: 12px; color: {ACCENT};
                  padding: 12px 24px; font-size: {px(24)}; min-height: {px(56)}; }}
    QPushButton:pressed {{ background: #e3eefc; }}
    QPushButton#primary {{ background: {ACCENT}; color: white; }}
    QPushButton#service {{ text-align: left; padding: 16px; font-size: {px(22)}; min-height: {px(96)}; }}
    QPushButton#key, QPushButton#keyAction {{ padding: 0px; border-radius: 10px; font-size: {px(30)};
                                             min-height: {px(64)}; min-width: {px(60)}; }}
    QPushButton#key[pad="true"] {{ min-width: {px(112)}; }}
    QPushButton#key[latin="true"] {{ min-width: 60px; }}  /* taller in large text, not wider: the row still fits */
    QPushButton#keyAction {{ background: #e3eefc; font-size: {px(22)}; padding: 0px {px(12)}; }}
    QPushButton#keyAction:checked {{ background: {ACCENT}; color: white; }}
    QPushButton#key:pressed, QPushButton#keyAction:pressed {{ background: #bbd4f5; }}
    QPushButton#choice {{ font-size: {px(22)}; min-height: {px(48)}; padding: 8px 16px; }}
    QPushButton#choice:checked {{ background: {ACCENT}; color: white; }}
    #fieldError {{ font-size: {px(20)}; color: #b71c1c; }}
    #materialStatus {{ font-size: {px(20)}; color: #1b5e20; }}
    #guide {{ font-size: {px(22)}; }}
    #advice {{ font-size: {px(26)}; font-weight: bold; color: #0d3c78; }}
    #previewFrame {{ font-size: {px(26)}; }}
    QPushButton:disabled {{ border-color: #aaa; color: #aaa; }}
    QPushButton#primary:disabled {{ background: #b0bec5; color: white; border-color: #b0bec5; }}
    QProgressBar {{ min-height: {px(18)}; border-radius: 9px; background: #dde5f0; }}
    QProgressBar::chunk {{ background: {ACCENT}; border-radius: 9px; }}
    QScrollArea, QScrollArea > QWidget > QWidget {{ background: transparent; }}
    QListWidget {{ font-size: {px(20)}; background: white; border: 1px solid #d5dde8; border-radius: 8px; }}
    QTableWidget {{ font-size: {px(18)}; background: white; }}
    QLineEdit {{ font-size: {px(32)}; padding: 8px; border: 2px solid #aab; border-radius: 8px; }}
    """
