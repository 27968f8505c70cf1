import GreenmarkCLI

GreenmarkEntry.main()
