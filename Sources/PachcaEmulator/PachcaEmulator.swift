// module PachcaEmulator
