"""Smart charging without Home Assistant or a wire format: profiles, limits and plans."""
