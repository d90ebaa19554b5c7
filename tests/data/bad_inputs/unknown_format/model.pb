
abc