WARNING:|BUG:|Oops|cut here|Kernel panic|general protection fault|UBSAN:|KASAN:|Call Trace:|refcount_t:|INFO: task .* blocked
