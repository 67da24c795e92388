b

agent1.example10.0.0.2