"""
Loads answer files with a Packstack release's own code, as `packstack --answer-file` does up to
the point where it would contact hosts: `_handleAnswerFileParams`, every plugin's
`initSequences`, `choose_ip_version`. One JSON line per file on stdout.

Usage: python3 packstack_load.py PACKSTACK_CHECKOUT FILE...   (see run.ts)
Needs Debian's python3-netaddr, python3-netifaces, python3-docutils, python3-ldap, python3-distro.
Probes of the network and of the deployer's files are switched off (they cannot run here), so
rdoctl's form checks of hosts are expected to be stricter than this harness.
"""
import contextlib
import copy
import io
import json
import sys
import types

rel_dir, answers = sys.argv[1], sys.argv[2:]
sys.path.insert(0, rel_dir)

# packstack/version.py wants pbr (a build tool); a stand-in is enough to import the installer.
pbr = types.ModuleType('pbr')
pbr_version = types.ModuleType('pbr.version')


class VersionInfo:
    def __init__(self, *a): pass
    def version_string(self): return '0'
    def release_string(self): return '0'
    def semantic_version(self): return self
pbr_version.VersionInfo = VersionInfo; pbr.version = pbr_version
sys.modules['pbr'] = pbr; sys.modules['pbr.version'] = pbr_version
from packstack.installer import validators, processors
# Offline: no TCP/ICMP probes, no ssh-keygen, no deployer files.
validators.touch_port = lambda host, port: None
validators.validate_ping = lambda param, options=None: None
validators.validate_file = lambda param, options=None: None
validators.validate_sshkey = lambda param, options=None: None
processors.process_ssh_key = lambda param, name, config=None: param or '/root/.ssh/id_rsa.pub'
from packstack.installer import run_setup
out = io.StringIO()
with contextlib.redirect_stdout(out):
    run_setup.loadPlugins(); run_setup.initPluginsConfig()
base = copy.deepcopy(run_setup.controller.CONF)
import prescript_000  # noqa: E402 (on sys.path once the plugins are loaded)
for answer in answers:
    run_setup.controller.CONF.clear(); run_setup.controller.CONF.update(copy.deepcopy(base))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            run_setup._handleAnswerFileParams(answer)
            run_setup.initPluginsSequences()
            prescript_000.choose_ip_version(run_setup.controller.CONF, [])
            verdict = None
        except BaseException as e:
            verdict = str(e)
    printed = [l for l in out.getvalue().splitlines() if "failed validation" in l]
    print(json.dumps({"file": answer, "accepted": verdict is None, "error": verdict, "printed": printed}))
