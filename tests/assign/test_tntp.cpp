// TNTP readers: the bundled networks read, and each kind of bad input is one line naming file, line and
// field.
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include <countyscope/assign/tntp.hpp>
#include <countyscope/core/error.hpp>

#include "test_support.hpp"

namespace {

namespace a = cs::assign;

const std::string kHeader =
    "<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 3\n<FIRST THRU NODE> 3\n<NUMBER OF LINKS> 2\n<END OF METADATA>\n"
    "~ init term cap len fft b power speed toll type ;\n";

std::string net_error(const std::string& links) {
  try {
    (void)a::parse_tntp_network(kHeader + links, "n.tntp");
  } catch (const cs::InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(TntpReaders, ReadTheBundledNetworks) {
  const std::string base = cs::test::source_path("data/reference/tntp/").string();
  const a::Network sf = a::read_tntp_network(base + "SiouxFalls/SiouxFalls_net.tntp");
  EXPECT_EQ(sf.zones, 24);
  EXPECT_EQ(sf.links.size(), 76u);
  EXPECT_EQ(sf.links[3].from, 2);
  EXPECT_EQ(sf.links[3].to, 6);
  EXPECT_DOUBLE_EQ(sf.links[3].capacity, 4958.180928);
  EXPECT_DOUBLE_EQ(sf.links[3].free_flow_time, 5);
  const a::Trips st = a::read_tntp_trips(base + "SiouxFalls/SiouxFalls_trips.tntp", sf);
  EXPECT_DOUBLE_EQ(st.total, 360600.0);             // <TOTAL OD FLOW> of the file
  EXPECT_DOUBLE_EQ(st.demand[0 * 24 + 9], 1300.0);  // 1 -> 10
  const a::Network ch = a::read_tntp_network(base + "Chicago-Sketch/ChicagoSketch_net.tntp");
  EXPECT_EQ(ch.nodes, 933);
  EXPECT_EQ(ch.links.size(), 2950u);
  const a::Trips ct = a::read_tntp_trips(base + "Chicago-Sketch/ChicagoSketch_trips.tntp", ch);
  EXPECT_NEAR(ct.total, 1260907.44, 1e-3);
  const a::Network an = a::read_tntp_network(base + "Anaheim/Anaheim_net.tntp");
  EXPECT_EQ(an.first_thru_node, 39);
}

TEST(TntpReaders, BadNetworkLinesNameFileLineAndField) {
  const std::string ok = "1 3 10 1 1 0.15 4 0 0 1 ;\n";
  EXPECT_EQ(net_error(ok + "3 2 -5 1 1 0.15 4 0 0 1 ;\n"),
            "n.tntp: line 8, field 'capacity': must be above 0, got -5");
  EXPECT_EQ(net_error(ok + "3 2 0 1 1 0.15 4 0 0 1 ;\n"),
            "n.tntp: line 8, field 'capacity': must be above 0, got 0");
  EXPECT_EQ(net_error(ok + "3 9 10 1 1 0.15 4 0 0 1 ;\n"),
            "n.tntp: line 8, field 'term_node': unknown node '9' (nodes are 1 to 3)");
  EXPECT_EQ(net_error(ok + "3 2 10 1 nan 0.15 4 0 0 1 ;\n"),
            "n.tntp: line 8, field 'free_flow_time': not a finite number: 'nan'");
  EXPECT_EQ(net_error(ok + "1 3 10 1 1 0.15 4 0 0 1 ;\n"),
            "n.tntp: line 8, field 'term_node': duplicate link 1 -> 3 (first on line 7)");
  EXPECT_EQ(net_error(ok + "3 2 10 1 1 0.15 4 0 0 1\n"),
            "n.tntp: line 8, field 'link': a link line must end with ';'");
  EXPECT_EQ(net_error(ok), "n.tntp: line 4, field 'NUMBER OF LINKS': says 2 but the file has 1 links");
  EXPECT_EQ(net_error(ok + "3 2 10 1 1 0.15 0.5 0 0 1 ;\n"),
            "n.tntp: line 8, field 'power': expected 0 or a number in [1, 20], got 0.5");
  EXPECT_EQ(net_error(ok + "3 2 10 1 1 0.15 4 0 0 ;\n").substr(0, 40),
            "n.tntp: line 8, field 'link': expected 1");
}

TEST(TntpReaders, BadTripsNameFileLineAndField) {
  const a::Network net =
      a::parse_tntp_network(kHeader + "1 3 10 1 1 0.15 4 0 0 1 ;\n3 2 10 1 1 0.15 4 0 0 1 ;\n", "n.tntp");
  const auto error = [&](const std::string& body, const std::string& zones = "2") {
    try {
      (void)a::parse_tntp_trips("<NUMBER OF ZONES> " + zones + "\n<END OF METADATA>\n" + body, "t.tntp", net);
    } catch (const cs::InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error("Origin 1\n 2 : 5.0; 3 : 1.0;\n"),
            "t.tntp: line 4, field 'destination': unknown zone '3' (zones are 1 to 2)");
  EXPECT_EQ(error("Origin 3\n"), "t.tntp: line 3, field 'Origin': unknown zone '3' (zones are 1 to 2)");
  EXPECT_EQ(error("Origin 1\n 2 : nan;\n"), "t.tntp: line 4, field 'demand': expected trips >= 0, got 'nan'");
  EXPECT_EQ(error("Origin 1\n 2 : -1;\n"), "t.tntp: line 4, field 'demand': expected trips >= 0, got '-1'");
  EXPECT_EQ(error("Origin 1\n 2 : 1; 2 : 1;\n"),
            "t.tntp: line 4, field 'destination': trips 1 -> 2 given twice");
  EXPECT_EQ(error("Origin 1\n 2 : 1\n"),
            "t.tntp: line 4, field 'demand': an entry 'zone : trips' must end with ';'");
  EXPECT_EQ(error("", "3"), "t.tntp: line 1, field 'NUMBER OF ZONES': 3 zones, but the network n.tntp has 2");
  EXPECT_EQ(error("Origin 1\n 2 : 4.5; ~ a comment\n"), "no error");
  EXPECT_EQ(
      a::parse_tntp_trips("<NUMBER OF ZONES> 2\n<TOTAL OD FLOW> 5\n<END OF METADATA>\nOrigin 2\n1 : 5;\n",
                          "t.tntp", net)
          .demand[2],
      5.0);
  try {
    (void)a::parse_tntp_trips("<NUMBER OF ZONES> 2\n<TOTAL OD FLOW> 6\n<END OF METADATA>\nOrigin 2\n1 : 5;\n",
                              "t.tntp", net);
    ADD_FAILURE() << "no error";
  } catch (const cs::InputError& e) {
    EXPECT_STREQ(e.what(),
                 "t.tntp: line 2, field 'TOTAL OD FLOW': says 6 but the entries add up to 5.000000");
  }
}

// Best-known flows and node coordinates: every link / node once, numbers finite, coordinates in degrees.
TEST(TntpReaders, FlowAndNodeFilesAreCheckedToo) {
  const cs::test::TempDir dir;
  const a::Network net =
      a::parse_tntp_network(kHeader + "1 3 10 1 1 0.15 4 0 0 1 ;\n3 2 10 1 1 0.15 4 0 0 1 ;\n", "n.tntp");
  const auto write = [&](const std::string& name, const std::string& text) {
    const std::string path = (dir / name).string();
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fputs(text.c_str(), f);
    std::fclose(f);
    return path;
  };
  const auto error = [](auto fn) {
    try {
      fn();
    } catch (const cs::InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string good = write("f.tntp", "From To Volume Cost\n1 3 5.5 1.2\n3 2 5.5 1.3\n");
  const a::LinkFlows lf = a::read_tntp_flows(good, net);
  EXPECT_DOUBLE_EQ(lf.flow[1], 5.5);
  EXPECT_DOUBLE_EQ(lf.cost[1], 1.3);
  const std::string missing = write("m.tntp", "From To Volume Cost\n1 3 5.5 1.2\n");
  EXPECT_EQ(error([&] { (void)a::read_tntp_flows(missing, net); }), missing + ": no flow for link 3 -> 2");
  const std::string unknown = write("u.tntp", "From To Volume Cost\n1 2 5.5 1.2\n");
  EXPECT_EQ(error([&] { (void)a::read_tntp_flows(unknown, net); }),
            unknown + ": line 2, field 'To': no link 1 -> 2 in n.tntp");
  const std::string nodes = write("nodes.tntp", "Node X Y ;\n1 9.5 47.1 ;\n2 9.6 47.2 ;\n3 9.7 47.3 ;\n");
  EXPECT_DOUBLE_EQ(a::read_tntp_nodes(nodes, net)[2].lat, 47.3);
  const std::string feet = write("feet.tntp", "Node X Y ;\n1 690309 1976022 ;\n");
  EXPECT_EQ(error([&] { (void)a::read_tntp_nodes(feet, net); }),
            feet + ": line 2, field 'X': expected a WGS84 longitude in [-180, 180] degrees, got '690309'");
  const std::string twice = write("twice.tntp", "Node X Y ;\n1 9.5 47.1 ;\n1 9.5 47.1 ;\n");
  EXPECT_EQ(error([&] { (void)a::read_tntp_nodes(twice, net); }),
            twice + ": line 3, field 'Node': node 1 given twice (first on line 2)");
  const std::string few = write("few.tntp", "Node X Y ;\n1 9.5 47.1 ;\n");
  EXPECT_EQ(error([&] { (void)a::read_tntp_nodes(few, net); }),
            few + ": field 'Node': no coordinates for node 2");
}

}  // namespace
