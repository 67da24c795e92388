"Z
X/frameworks/e3cf64f1-c447-4fc0-a7e5-5d7bc24bee8e-0000/executors/web-379e62-0/runs/latest