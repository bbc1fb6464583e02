-- DROP TABLE t
/* nested /* comment */ */