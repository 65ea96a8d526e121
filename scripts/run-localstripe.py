"""Runs localstripe (the benchmark peer) on loopback only; its own CLI binds every interface."""
import sys

from aiohttp import web
from localstripe.server import app

port = int(sys.argv[1]) if len(sys.argv) > 1 else 8420
web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)
