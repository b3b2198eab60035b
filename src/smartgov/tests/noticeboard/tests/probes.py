from smartgov.platform.testing import Probe

PROBES = {"noticeboard:post": Probe()}
