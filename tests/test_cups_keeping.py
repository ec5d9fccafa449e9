"""What CUPS does with a document once printed, read from ``cupsctl``'s settings (devices/docprinter/cups_keeping.py),
and kiosk doctor's line on it against the real CUPS scripts/test-services.sh starts and sets."""

from devices.docprinter.cups_keeping import kept_for
from entry.doctor import Findings, check_cups_keeping

# cupsctl's output on Debian 12's CUPS 2.4 as installed: it lists what cupsd.conf sets, PreserveJobFiles not among it
AS_INSTALLED = """_debug_logging=0
_remote_admin=0
_remote_any=0
_share_printers=0
_user_cancel_any=0
BrowseLocalProtocols=dnssd
DefaultAuthType=Basic
ErrorPolicy=retry-job
IdleExitTimeout=60
JobPrivateAccess=default
JobPrivateValues=default
MaxLogSize=0
PageLogFormat=
SubscriptionPrivateAccess=default
SubscriptionPrivateValues=default
WebInterface=Yes
"""


def test_cups_as_installed_keeps_each_printed_document_a_day():
    assert kept_for(AS_INSTALLED) == "1 day (CUPS's default: PreserveJobFiles is not set)"


def test_set_off_in_any_of_the_words_cupsd_conf_takes_the_document_goes_once_printed():
    for value in ("No", "no", "Off", "false", "0", "0d"):
        assert kept_for(AS_INSTALLED + f"PreserveJobFiles={value}\n") is None, value


def test_kept_for_a_time_or_for_good_is_said_with_the_setting():
    assert kept_for("PreserveJobFiles=Yes") == "until the job's history is cleared (PreserveJobFiles=Yes)"
    assert kept_for("PreserveJobFiles=86400") == "1 day (PreserveJobFiles=86400)"
    assert kept_for("PreserveJobFiles=2h") == "2 hours (PreserveJobFiles=2h)"
    assert kept_for("PreserveJobFiles=1w") == "1 week (PreserveJobFiles=1w)"
    assert kept_for("PreserveJobFiles=90") == "90 s (PreserveJobFiles=90)"
    assert kept_for("PreserveJobFiles=soon") == "as CUPS reads PreserveJobFiles='soon' (not understood here)"
    assert kept_for("PreserveJobFiles=NaN") == "as CUPS reads PreserveJobFiles='NaN' (not understood here)"


def test_doctor_says_the_real_cups_deletes_each_document_once_printed(make_config):
    findings = Findings()
    check_cups_keeping(make_config(devices={"document_printer": {"type": "cups"}}), findings)
    assert findings.lines == ["OK    CUPS printed documents: deleted once printed"] and findings.warned == 0
    nothing = Findings()
    check_cups_keeping(make_config(), nothing)  # the simulated printer keeps its PDFs by its own rule (retention)
    assert nothing.lines == []
