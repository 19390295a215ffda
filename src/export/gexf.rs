//! GEXF 1.3 (`graph.gexf`): undirected, static; node id = entity id, label = name; node
//! attributes `type`, `name` (string), `mentions`, `documents` (integer) and the gazetteer
//! attributes (string); edge `weight` = documents, attributes `documents`, `sentences`,
//! `window` (integer), `npmi` (double). Gephi's native format; read by NetworkX (`read_gexf`).

use super::{double, write_file, xml_text, At, Exporter, Graph};
use crate::error::Result;
use quick_xml::events::{BytesDecl, Event};
use quick_xml::Writer;
use std::io::Write;
use std::path::Path;

/// The GEXF exporter.
pub(crate) struct Gexf;

const NODE_ATTRS: [(&str, &str); 4] = [
    ("type", "string"),
    ("name", "string"),
    ("mentions", "integer"),
    ("documents", "integer"),
];
const EDGE_ATTRS: [(&str, &str); 4] = [
    ("documents", "integer"),
    ("sentences", "integer"),
    ("window", "integer"),
    ("npmi", "double"),
];

type Io = std::io::Result<()>;

fn attributes<W: Write>(w: &mut Writer<W>, class: &str, attrs: &[(String, &str)]) -> Io {
    w.create_element("attributes")
        .with_attribute(("class", class))
        .with_attribute(("mode", "static"))
        .write_inner_content(|w| {
            for (i, (title, ty)) in attrs.iter().enumerate() {
                w.create_element("attribute")
                    .with_attribute(("id", i.to_string().as_str()))
                    .with_attribute(("title", xml_text(title).as_ref()))
                    .with_attribute(("type", *ty))
                    .write_empty()?;
            }
            Ok(())
        })?;
    Ok(())
}

/// `<attvalues>` with the non-empty values, `for` = the attribute's index.
fn attvalues<W: Write>(w: &mut Writer<W>, values: &[&str]) -> Io {
    w.create_element("attvalues").write_inner_content(|w| {
        for (i, v) in values.iter().enumerate() {
            if !v.is_empty() {
                w.create_element("attvalue")
                    .with_attribute(("for", i.to_string().as_str()))
                    .with_attribute(("value", xml_text(v).as_ref()))
                    .write_empty()?;
            }
        }
        Ok(())
    })?;
    Ok(())
}

impl Exporter for Gexf {
    fn files(&self) -> &'static [&'static str] {
        &["graph.gexf"]
    }

    fn write(&self, g: &Graph, dest: &Path) -> Result<()> {
        write_file(dest, "graph.gexf", |out, p| {
            let mut w = Writer::new_with_indent(out, b' ', 2);
            w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
                .at(p)?;
            let node_attrs: Vec<(String, &str)> = NODE_ATTRS
                .iter()
                .map(|(t, ty)| (t.to_string(), *ty))
                .chain(g.columns.iter().map(|c| (c.clone(), "string")))
                .collect();
            let edge_attrs: Vec<(String, &str)> = EDGE_ATTRS
                .iter()
                .map(|(t, ty)| (t.to_string(), *ty))
                .collect();
            let mut edges_err = None;
            w.create_element("gexf")
                .with_attribute(("xmlns", "http://gexf.net/1.3"))
                .with_attribute(("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"))
                .with_attribute((
                    "xsi:schemaLocation",
                    "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd",
                ))
                .with_attribute(("version", "1.3"))
                .write_inner_content(|w| {
                    w.create_element("meta").write_inner_content(|w| {
                        w.create_element("creator").write_text_content(
                            quick_xml::events::BytesText::new(concat!(
                                "gazex ",
                                env!("CARGO_PKG_VERSION")
                            )),
                        )?;
                        Ok(())
                    })?;
                    w.create_element("graph")
                        .with_attribute(("defaultedgetype", "undirected"))
                        .with_attribute(("mode", "static"))
                        .write_inner_content(|w| {
                            attributes(w, "node", &node_attrs)?;
                            attributes(w, "edge", &edge_attrs)?;
                            w.create_element("nodes").write_inner_content(|w| {
                                for n in &g.nodes {
                                    let (m, d) = (n.mentions.to_string(), n.documents.to_string());
                                    let mut values = vec![n.kind.as_str(), &n.name, &m, &d];
                                    values.extend(n.attrs.iter().map(String::as_str));
                                    w.create_element("node")
                                        .with_attribute(("id", xml_text(&n.id).as_ref()))
                                        .with_attribute(("label", xml_text(&n.name).as_ref()))
                                        .write_inner_content(|w| attvalues(w, &values))?;
                                }
                                Ok(())
                            })?;
                            w.create_element("edges").write_inner_content(|w| {
                                let edges = match g.edges() {
                                    Ok(e) => e,
                                    Err(e) => {
                                        edges_err = Some(e);
                                        return Ok(());
                                    }
                                };
                                for (i, e) in edges.enumerate() {
                                    let e = match e {
                                        Ok(e) => e,
                                        Err(e) => {
                                            edges_err = Some(e);
                                            return Ok(());
                                        }
                                    };
                                    let c = e.counts;
                                    let values = [
                                        c.documents.to_string(),
                                        c.sentences.to_string(),
                                        c.window.to_string(),
                                        crate::tables::format_npmi(e.npmi),
                                    ];
                                    let values: Vec<&str> =
                                        values.iter().map(String::as_str).collect();
                                    w.create_element("edge")
                                        .with_attribute(("id", i.to_string().as_str()))
                                        .with_attribute(("source", xml_text(&e.source).as_ref()))
                                        .with_attribute(("target", xml_text(&e.target).as_ref()))
                                        .with_attribute((
                                            "weight",
                                            double(c.documents as f64).as_str(),
                                        ))
                                        .write_inner_content(|w| attvalues(w, &values))?;
                                }
                                Ok(())
                            })?;
                            Ok(())
                        })?;
                    Ok(())
                })
                .at(p)?;
            if let Some(e) = edges_err {
                return Err(e);
            }
            w.get_mut().write_all(b"\n").at(p)
        })
    }
}
