2
	some data