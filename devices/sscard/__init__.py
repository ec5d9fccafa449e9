"""The social security card's public data (社会保障卡): command APDUs, record parsing, a card model."""
