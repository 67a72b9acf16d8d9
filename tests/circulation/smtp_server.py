"""aiosmtpd's Controller, imported beside this project's own ``public`` app.

aiosmtpd needs atpublic, whose top-level module is also called ``public``: with the project's
app of that name already imported, ``from public import public`` inside aiosmtpd finds the
app. So atpublic is loaded under that name only while aiosmtpd is imported, and the app's
modules are put back afterwards.
"""

import importlib.metadata
import importlib.util
import sys


def _import_controller():
    init = importlib.metadata.distribution("atpublic").locate_file("public/__init__.py")
    saved = {name: module for name, module in sys.modules.items() if name.split(".")[0] == "public"}
    for name in saved:
        del sys.modules[name]
    try:
        spec = importlib.util.spec_from_file_location(
            "public", init, submodule_search_locations=[str(init.parent)]
        )
        atpublic = importlib.util.module_from_spec(spec)
        sys.modules["public"] = atpublic
        spec.loader.exec_module(atpublic)
        from aiosmtpd.controller import Controller
    finally:
        for name in [name for name in sys.modules if name.split(".")[0] == "public"]:
            del sys.modules[name]
        sys.modules.update(saved)
    return Controller


Controller = _import_controller()
