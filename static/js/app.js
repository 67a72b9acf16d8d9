// Behaviour that needs script lives here: a strict Content-Security-Policy forbids inline script.
