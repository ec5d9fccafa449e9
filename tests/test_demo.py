from PIL import Image

from entry.demo import run_headless


def test_headless_demo_writes_screens_and_receipts(qapp, tmp_path):
    paths = run_headless(tmp_path)
    names = [p.name for p in paths]
    assert "01-home.png" in names and "06-done.png" in names and "receipt-1.png" in names
    assert any("maintenance-devices" in n for n in names)
    for path in paths:
        with Image.open(path) as image:
            assert image.width > 300 and image.height > 300
            # Not blank: a screen or a receipt has dark ink somewhere.
            assert min(image.convert("L").getextrema()) < 80
