module hotswap.local/runc-caps

go 1.22
