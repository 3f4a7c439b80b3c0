"""Services (M6): the service requirements each network must deliver each contract
year, their delivery, and extended / enhanced access hours."""
