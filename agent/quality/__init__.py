"""Every conversation measured: its entry -> exit arc and a predicted satisfaction (pure logic)."""
