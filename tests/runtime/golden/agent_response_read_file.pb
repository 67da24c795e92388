B
hello
