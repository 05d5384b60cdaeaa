#!/usr/bin/python3
"""A stand-in for a desktop's notification service
(org.freedesktop.Notifications) on a private session bus, for the guard's
end-to-end test: every Notify call is appended to a file as one JSON line;
the file named third is made once the service's name is owned.

usage: notification_service.py BUS_ADDRESS LOG_FILE READY_FILE
"""
import json
import sys

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

INTERFACE = """
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg type="s" direction="in"/><arg type="u" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="as" direction="in"/>
      <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
      <arg type="u" direction="out"/>
    </method>
    <method name="GetCapabilities"><arg type="as" direction="out"/></method>
    <method name="GetServerInformation">
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
    </method>
    <method name="CloseNotification"><arg type="u" direction="in"/></method>
    <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
    <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
  </interface>
</node>
"""

address, log_file, ready_file = sys.argv[1:4]
shown = 0


def on_call(_conn, _sender, _path, _interface, method, params, invocation):
    global shown
    if method == "Notify":
        app, _replaces, _icon, summary, body, actions, _hints, _timeout = params.unpack()
        shown += 1
        with open(log_file, "a", encoding="utf-8") as log:
            log.write(json.dumps({"app": app, "summary": summary, "body": body,
                                  "actions": actions}) + "\n")
        invocation.return_value(GLib.Variant("(u)", (shown,)))
    elif method == "GetCapabilities":
        invocation.return_value(GLib.Variant("(as)", (["actions", "body"],)))
    elif method == "GetServerInformation":
        invocation.return_value(GLib.Variant("(ssss)", ("stand-in", "tests", "1", "1.2")))
    else:
        invocation.return_value(None)


flags = (Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
         | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION)
connection = Gio.DBusConnection.new_for_address_sync(address, flags, None, None)
node = Gio.DBusNodeInfo.new_for_xml(INTERFACE)
connection.register_object("/org/freedesktop/Notifications", node.interfaces[0], on_call, None, None)
Gio.bus_own_name_on_connection(
    connection, "org.freedesktop.Notifications", Gio.BusNameOwnerFlags.NONE,
    lambda *_: open(ready_file, "w", encoding="utf-8").close(), None)
GLib.MainLoop().run()
