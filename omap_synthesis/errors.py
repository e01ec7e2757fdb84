"""Errors whose message is meant for the user (in French)."""


class InputError(Exception):
    """Bad input: the message names the file (and line or field where there is one)."""

    def __init__(self, path, message: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        where = f"{self.path}, ligne {line}" if line else self.path
        super().__init__(f"{where} : {message}")
