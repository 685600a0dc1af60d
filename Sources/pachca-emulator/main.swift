print("pachca-emulator: not built yet")
