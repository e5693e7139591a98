"""Messages to citizens, written in the transaction of the change that caused them and delivered
after the commit by the dispatcher (no network call inside a transaction; a crash loses none)."""
