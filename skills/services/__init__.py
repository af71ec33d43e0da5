"""Write operations on the taxonomy. Views, commands and tasks call these and stay thin."""
