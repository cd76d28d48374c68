"""crisismap domain: model, store, gazetteer, geocoding, classification, zoning."""
