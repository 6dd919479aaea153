"""A loopback TCP proxy that can freeze, as a stopped server looks from its client.

While frozen it accepts connections and bytes (the kernel would) but forwards nothing in either
direction; thawed, it forwards what it held, then any end-of-stream, in order.
"""

import socket
import threading
from contextlib import contextmanager, suppress


class FreezableProxy:
    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.connections = 0  # accepted so far
        self.server_ports: list[int] = []  # the local port of each connection to the target
        self._closed = False
        self._running = threading.Event()
        self._running.set()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def freeze(self) -> None:
        self._running.clear()

    def thaw(self) -> None:
        self._running.set()

    def close(self) -> None:
        self._closed = True
        self.thaw()
        self._listener.close()
        for sock in list(self._sockets):
            # shutdown() first: close() alone leaves a socket open while a thread reads it.
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            self._running.wait()  # a frozen server's backlog: nothing answers the startup
            if self._closed:
                client.close()
                return
            server = socket.create_connection(self.target)
            self.server_ports.append(server.getsockname()[1])
            self._sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                self._running.wait()
                if not data:
                    sink.shutdown(socket.SHUT_WR)
                    return
                sink.sendall(data)
        except OSError:
            sink.close()


@contextmanager
def freezable_proxy(host: str, port: int):
    proxy = FreezableProxy((host, port))
    try:
        yield proxy
    finally:
        proxy.close()
