"""The card photo: the vendor decoder through ctypes when configured, a neutral placeholder otherwise."""

import struct
import subprocess
import time

import pytest

from devices.idcard.base import CardRead
from devices.idcard.photo import RAW_SIZE, PhotoDecoder, is_placeholder, placeholder_bmp
from devices.idcard.samples import sample_photo
from devices.idcard.sim import SimIdReader, SimIdReaderOptions

FAKE_DECODER = r"""
/* Stands in for a vendor's libwlt: unpack(src 1024 bytes, dst 102x126 BGR, mode) -> 1 on success. */
int unpack(char *src, char *dst, int mode) {
    if (mode != 602) return 0;
    if (src[0] != 'W' || src[1] != 'L') return -1;
    for (int i = 0; i < 102 * 126 * 3; i++) dst[i] = (char)(i % 251);
    return 1;
}
"""


@pytest.fixture(scope="module")
def decoder_library(tmp_path_factory):
    folder = tmp_path_factory.mktemp("decoder")
    source, library = folder / "fakewlt.c", folder / "libfakewlt.so"
    source.write_text(FAKE_DECODER)
    subprocess.run(["gcc", "-shared", "-fPIC", "-O1", "-o", str(library), str(source)], check=True, timeout=60)
    return str(library)


def bmp_size(image: bytes) -> tuple[int, int]:
    assert image[:2] == b"BM"
    return struct.unpack("<ii", image[18:26])


def test_the_placeholder_is_a_neutral_bmp_of_the_card_photo_size():
    image = placeholder_bmp()
    assert bmp_size(image) == (102, 126) and len(image) == 54 + 308 * 126
    assert is_placeholder(image)
    assert len(set(image[54:])) <= 3  # two greys (and row padding), no text, no warning colours


def test_without_a_decoder_the_photo_is_the_placeholder():
    decoder = PhotoDecoder()
    assert not decoder.available
    assert is_placeholder(decoder.decode(sample_photo()))


def test_a_missing_library_gives_the_placeholder_and_one_warning(caplog):
    decoder = PhotoDecoder("/nonexistent/libwlt.so")
    assert is_placeholder(decoder.decode(sample_photo()))
    assert is_placeholder(decoder.decode(sample_photo()))
    assert len([r for r in caplog.records if "photo decoder" in r.getMessage()]) == 1


def test_a_library_without_the_entry_point_gives_the_placeholder(decoder_library):
    assert is_placeholder(PhotoDecoder(decoder_library, symbol="no_such_function").decode(sample_photo()))


@pytest.mark.parametrize("mode, photo", [(601, sample_photo()), (602, bytearray(b"XX" + bytes(1022)))])
def test_a_failing_decode_gives_the_placeholder(decoder_library, mode, photo):
    assert is_placeholder(PhotoDecoder(decoder_library, mode=mode).decode(photo))


def test_a_working_decoder_gives_a_bmp_with_padded_rows(decoder_library):
    decoder = PhotoDecoder(decoder_library)
    image = decoder.decode(memoryview(sample_photo()))
    assert decoder.available and not is_placeholder(image)
    assert bmp_size(image) == (102, 126) and len(image) == 38862
    assert image[54:54 + 306] == bytes(i % 251 for i in range(306)) and image[54 + 306:54 + 308] == b"\0\0"
    assert len(image) - 54 - 2 * 126 == RAW_SIZE


def test_a_photo_of_the_wrong_size_is_not_handed_to_the_library(decoder_library):
    assert is_placeholder(PhotoDecoder(decoder_library).decode(bytes(1000)))


@pytest.mark.parametrize("library, decoded", [("decoder", True), ("/nonexistent/libwlt.so", False)])
def test_the_reader_decodes_photos_and_never_stops_for_them(decoder_library, library, decoded):
    reader = SimIdReader(options=SimIdReaderOptions(pace=False, photo_decoder=decoder_library
                                                    if library == "decoder" else library))
    events = []
    reader.events.subscribe(events.append)
    reader.start()
    try:
        reader.place_card("resident")
        deadline = time.monotonic() + 5
        while not events and time.monotonic() < deadline:
            time.sleep(0.01)
        assert isinstance(events[0], CardRead)
        photo = events[0].identity.photo
        assert is_placeholder(photo) is not decoded and bmp_size(photo) == (102, 126)
    finally:
        reader.stop()
