//! GraphML (`graph.graphml`): undirected, node id = entity id, typed keys: node `type`,
//! `name`, `label` (strings), `mentions`, `documents` (int) and the gazetteer attributes
//! (strings); edge `weight` (double, = documents), `documents`, `sentences`, `window` (int) and
//! `npmi` (double). Read by NetworkX (`read_graphml`), igraph, Gephi, yEd, Cytoscape.

use super::{double, write_file, xml_text, At, Exporter, Graph};
use crate::error::Result;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use std::io::Write;
use std::path::Path;

/// The GraphML exporter.
pub(crate) struct GraphMl;

const NODE_KEYS: [(&str, &str, &str); 5] = [
    ("n_type", "type", "string"),
    ("n_name", "name", "string"),
    ("n_label", "label", "string"),
    ("n_mentions", "mentions", "int"),
    ("n_documents", "documents", "int"),
];
const EDGE_KEYS: [(&str, &str, &str); 5] = [
    ("e_weight", "weight", "double"),
    ("e_documents", "documents", "int"),
    ("e_sentences", "sentences", "int"),
    ("e_window", "window", "int"),
    ("e_npmi", "npmi", "double"),
];

fn data<W: Write>(w: &mut Writer<W>, key: &str, v: &str) -> std::io::Result<()> {
    w.create_element("data")
        .with_attribute(("key", key))
        .write_text_content(BytesText::new(&xml_text(v)))?;
    Ok(())
}

impl Exporter for GraphMl {
    fn files(&self) -> &'static [&'static str] {
        &["graph.graphml"]
    }

    fn write(&self, g: &Graph, dest: &Path) -> Result<()> {
        write_file(dest, "graph.graphml", |out, p| {
            let mut w = Writer::new_with_indent(out, b' ', 2);
            w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
                .at(p)?;
            let attr_keys: Vec<String> = (0..g.columns.len()).map(|i| format!("n_a{i}")).collect();
            let mut edges_err = None;
            w.create_element("graphml")
                .with_attribute(("xmlns", "http://graphml.graphdrawing.org/xmlns"))
                .with_attribute(("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"))
                .with_attribute((
                    "xsi:schemaLocation",
                    "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd",
                ))
                .write_inner_content(|w| {
                    let key = |w: &mut Writer<_>, id: &str, name: &str, ty: &str, f: &str| {
                        w.create_element("key")
                            .with_attribute(("id", id))
                            .with_attribute(("for", f))
                            .with_attribute(("attr.name", xml_text(name).as_ref()))
                            .with_attribute(("attr.type", ty))
                            .write_empty()
                            .map(|_| ())
                    };
                    for (id, name, ty) in NODE_KEYS {
                        key(w, id, name, ty, "node")?;
                    }
                    for (id, name) in attr_keys.iter().zip(&g.columns) {
                        key(w, id, name, "string", "node")?;
                    }
                    for (id, name, ty) in EDGE_KEYS {
                        key(w, id, name, ty, "edge")?;
                    }
                    w.create_element("graph")
                        .with_attribute(("id", "gazex"))
                        .with_attribute(("edgedefault", "undirected"))
                        .write_inner_content(|w| {
                            for n in &g.nodes {
                                w.create_element("node")
                                    .with_attribute(("id", xml_text(&n.id).as_ref()))
                                    .write_inner_content(|w| {
                                        data(w, "n_type", &n.kind)?;
                                        data(w, "n_name", &n.name)?;
                                        data(w, "n_label", &n.name)?;
                                        data(w, "n_mentions", &n.mentions.to_string())?;
                                        data(w, "n_documents", &n.documents.to_string())?;
                                        for (k, v) in attr_keys.iter().zip(&n.attrs) {
                                            if !v.is_empty() {
                                                data(w, k, v)?;
                                            }
                                        }
                                        Ok(())
                                    })?;
                            }
                            let edges = match g.edges() {
                                Ok(e) => e,
                                Err(e) => {
                                    edges_err = Some(e);
                                    return Ok(());
                                }
                            };
                            for e in edges {
                                let e = match e {
                                    Ok(e) => e,
                                    Err(e) => {
                                        edges_err = Some(e);
                                        return Ok(());
                                    }
                                };
                                let c = e.counts;
                                w.create_element("edge")
                                    .with_attribute(("source", xml_text(&e.source).as_ref()))
                                    .with_attribute(("target", xml_text(&e.target).as_ref()))
                                    .write_inner_content(|w| {
                                        data(w, "e_weight", &double(c.documents as f64))?;
                                        data(w, "e_documents", &c.documents.to_string())?;
                                        data(w, "e_sentences", &c.sentences.to_string())?;
                                        data(w, "e_window", &c.window.to_string())?;
                                        data(w, "e_npmi", &crate::tables::format_npmi(e.npmi))
                                    })?;
                            }
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
