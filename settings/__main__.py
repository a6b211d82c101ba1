"""Print the tables of settings variables (``make settings-table``; README's tables are this output)."""

from settings import variables_table

print(variables_table())
