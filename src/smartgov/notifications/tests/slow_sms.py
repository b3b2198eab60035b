"""An SMS "gateway" for the killed-worker test: it records each message it accepts in a file, and on its first
call waits long enough for the test to kill the worker in the middle of the send."""

import os
import time
from pathlib import Path

from smartgov.platform.sms import SmsMessage


class SlowFileSmsBackend:
    def send(self, message: SmsMessage) -> None:
        folder = Path(os.environ["SMARTGOV_TEST_SMS_DIR"])
        started = folder / f"started-{message.reference}"
        if not started.exists():
            started.write_text(str(os.getpid()))  # the test kills this process now
            time.sleep(60)
        with (folder / "accepted.log").open("a") as log:
            log.write(f"{message.reference}\n")
