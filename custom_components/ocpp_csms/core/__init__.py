"""The central system without Home Assistant: OCPP adapters, server, model, smart charging.

Nothing here imports ``homeassistant`` (tests/test_architecture.py keeps it so): it could be
published as a typed library, and the integration around it is what Home Assistant sees.
"""
