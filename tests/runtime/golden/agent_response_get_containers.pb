	RŸ
œ
+
)e3cf64f1-c447-4fc0-a7e5-5d7bc24bee8e-0000
web-379e62-0%Command Executor (Task: web-379e62-0)"
web-379e62-0-203feefc*ü«"
web-379e62-0-203feefc