:
Unrecoverable error