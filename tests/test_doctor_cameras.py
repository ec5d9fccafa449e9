"""kiosk doctor names a camera given by its number (0, /dev/video0), which may name the face camera beside a document
camera after a restart or a replug, and the /dev/v4l/by-id name that stays (entry/doctor.py check_cameras)."""

import os

from entry.doctor import Findings, check_cameras
from kiosk.config import load_config


def config(tmp_path, **devices):
    return load_config(environ={}, overrides={"devices": devices, "paths": {"data_dir": str(tmp_path)}})


def test_a_numbered_camera_is_named_with_the_name_that_stays(tmp_path):
    by_id = tmp_path / "by-id"  # as udev lays it out: links to the numbered nodes
    by_id.mkdir()
    os.symlink("/dev/video2", by_id / "usb-Eloam_S1000_DOC0042-video-index0")
    os.symlink("/dev/video0", by_id / "usb-Eloam_S1000_FACE0042-video-index0")
    findings = Findings()
    check_cameras(config(tmp_path, document_camera={"type": "camera", "device": "2"},
                         qr_scanner={"type": "camera", "source": "/dev/video4"}), findings, by_id=by_id)
    assert findings.lines == [
        "WARN  qr_scanner camera: /dev/video4 may name another camera after a restart or a replug (cameras are "
        "numbered in the order they are found; a document camera with a face camera brings four nodes): set its name "
        "under /dev/v4l/by-id, which stays (none links to it now)",
        "WARN  document_camera camera: 2 may name another camera after a restart or a replug (cameras are numbered "
        "in the order they are found; a document camera with a face camera brings four nodes): set "
        f'device = "{by_id}/usb-Eloam_S1000_DOC0042-video-index0", its name that stays']


def test_cameras_by_name_urls_and_simulators_are_not_questioned_and_two_on_one_fail(tmp_path):
    findings = Findings()
    check_cameras(config(tmp_path, document_camera={"type": "camera",
                                                    "device": "/dev/v4l/by-id/usb-Eloam_S1000_DOC0042-video-index0"},
                         qr_scanner={"type": "camera", "source": "rtsp://10.0.0.5/stream"}), findings,
                  by_id=tmp_path / "absent")
    assert findings.lines == []
    check_cameras(config(tmp_path, document_camera={"type": "camera", "device": "0"},
                         qr_scanner={"type": "camera", "source": "/dev/video0"}), findings, by_id=tmp_path / "absent")
    assert findings.lines[-1] == ("FAIL  cameras: qr_scanner and document_camera are both set to /dev/video0: one "
                                  "device has it; set each its own camera")
    assert findings.failed == 1 and findings.warned == 2
