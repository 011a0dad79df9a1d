#!/usr/bin/python3
"""Builds data/examples/ (a planner's own files for the sample county) from a plan run on the sample.

    countyscope plan --osm data/sample/liechtenstein-2024-03-04.osm.pbf --out out/li --skip locate,flows,structure
    /usr/bin/python3 scripts/make-examples.py out/li/county.gpkg data/examples

What a Chinese county planner holds, played by the sample (docs/your-county.md):
  villages.csv           village register: name, tier, tagged population, municipality, LV95 coordinates (EPSG:2056)
  facilities.xlsx        facility register (one sheet): name, service, capacity, WGS-84 longitude/latitude
  municipalities.shp     township boundaries (Shapefile, EPSG:2056) with their postcode as code
  boundary.geojson       the county boundary (WGS-84)
  census.csv             the official municipal populations (Amt fuer Statistik Liechtenstein; see README.md)
Needs python3-gdal (Debian). Deterministic: rows sorted by name.
"""
import csv
import os
import sys

from osgeo import ogr, osr

ogr.UseExceptions()
osr.UseExceptions()


def transform_to(epsg):
    src = osr.SpatialReference()
    src.ImportFromEPSG(4326)
    src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    dst = osr.SpatialReference()
    dst.ImportFromEPSG(epsg)
    dst.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return osr.CoordinateTransformation(src, dst), dst


def main(gpkg, out):
    ds = ogr.Open(gpkg)
    to2056, srs2056 = transform_to(2056)
    os.makedirs(out, exist_ok=True)

    units = {}
    for f in ds.GetLayerByName("admin_units"):
        units[f.GetField("name")] = f.GetGeometryRef().Clone()

    def unit_of(geom):
        for name, g in units.items():
            if g.Contains(geom):
                return name
        return ""

    rows = []
    for f in ds.GetLayerByName("settlements"):
        g = f.GetGeometryRef()
        x, y, _ = to2056.TransformPoint(g.GetX(), g.GetY())
        pop = f.GetField("population")
        rows.append([f.GetField("name"), f.GetField("tier"), "" if pop is None else "%d" % pop,
                     unit_of(g), "%.3f" % x, "%.3f" % y])
    rows.sort()
    with open(os.path.join(out, "villages.csv"), "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["name", "tier", "population", "municipality", "x_lv95", "y_lv95"])
        w.writerows(rows)

    drv = ogr.GetDriverByName("XLSX")
    path = os.path.join(out, "facilities.xlsx")
    if os.path.exists(path):
        os.remove(path)
    xl = drv.CreateDataSource(path)
    lyr = xl.CreateLayer("register", geom_type=ogr.wkbNone)
    for name, t in [("name", ogr.OFTString), ("service", ogr.OFTString), ("capacity", ogr.OFTReal),
                    ("lon", ogr.OFTReal), ("lat", ogr.OFTReal)]:
        lyr.CreateField(ogr.FieldDefn(name, t))
    fac = []
    for f in ds.GetLayerByName("facilities"):
        g = f.GetGeometryRef()
        fac.append((f.GetField("service"), f.GetField("name") or "", f.GetField("capacity"),
                    round(g.GetX(), 7), round(g.GetY(), 7)))
    fac.sort(key=lambda r: (r[0], r[1], r[3], r[4]))
    for service, name, cap, lon, lat in fac:
        o = ogr.Feature(lyr.GetLayerDefn())
        o.SetField("name", name)
        o.SetField("service", service)
        if cap is not None:
            o.SetField("capacity", cap)
        o.SetField("lon", lon)
        o.SetField("lat", lat)
        lyr.CreateFeature(o)
    xl = None

    registry = {}
    with open(os.path.join(out, "census.csv"), encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            registry[r["gemeinde"]] = r["postcode"]
    shp = ogr.GetDriverByName("ESRI Shapefile")
    path = os.path.join(out, "municipalities.shp")
    if os.path.exists(path):
        shp.DeleteDataSource(path)
    sd = shp.CreateDataSource(path)
    lyr = sd.CreateLayer("municipalities", srs2056, ogr.wkbMultiPolygon, ["ENCODING=UTF-8"])
    lyr.CreateField(ogr.FieldDefn("name", ogr.OFTString))
    lyr.CreateField(ogr.FieldDefn("code", ogr.OFTString))
    for name in sorted(units):
        g = units[name].Clone()
        g.Transform(to2056)
        o = ogr.Feature(lyr.GetLayerDefn())
        o.SetField("name", name)
        o.SetField("code", registry.get(name, ""))
        o.SetGeometry(ogr.ForceToMultiPolygon(g))
        lyr.CreateFeature(o)
    sd = None

    gj = ogr.GetDriverByName("GeoJSON")
    path = os.path.join(out, "boundary.geojson")
    if os.path.exists(path):
        os.remove(path)
    bd = gj.CreateDataSource(path)
    src = ds.GetLayerByName("county_boundary")
    lyr = bd.CreateLayer("boundary", src.GetSpatialRef(), ogr.wkbMultiPolygon, ["RFC7946=YES", "COORDINATE_PRECISION=7"])
    lyr.CreateField(ogr.FieldDefn("name", ogr.OFTString))
    for f in src:
        o = ogr.Feature(lyr.GetLayerDefn())
        o.SetField("name", f.GetField("name"))
        o.SetGeometry(f.GetGeometryRef().Clone())
        lyr.CreateFeature(o)
    bd = None


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
