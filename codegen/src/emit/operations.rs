//! One function per operation, returning the runtime's `Request`: awaiting it sends the call,
//! and its options (idempotency key, account, timeout, retries) can be set before.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_attrs, Emitter};
use crate::ir::{Method, Operation};

impl Emitter<'_> {
    pub(super) fn operation(&self, op: &Operation) -> TokenStream {
        let rt = &self.rt;
        let doc = doc_attrs(&op.doc);
        let name = format_ident!("{}", op.name);
        let response = self.ty(&op.response);

        // `{session}` in the template becomes the (encoded) argument of that name.
        let template = op.path.format(|wire| {
            let param = op.path_params.iter().find(|p| p.wire == wire);
            format!("{{{}}}", param.map_or(wire, |p| p.name.as_str()))
        });
        let path_args: Vec<syn::Ident> = op.path_params.iter().map(|p| format_ident!("{}", p.name)).collect();
        let path = if path_args.is_empty() {
            quote!(let path = #template;)
        } else {
            quote! {
                #(let #path_args = #rt::encode_path_segment(#path_args.as_ref());)*
                let path = format!(#template);
            }
        };

        let mut args = vec![quote!(client: &#rt::Client)];
        args.extend(op.path_params.iter().zip(&path_args).map(|(param, arg)| match &param.id {
            Some(id) => {
                let id = format_ident!("{}", id);
                quote!(#arg: &#id)
            }
            None => quote!(#arg: &str),
        }));
        let query = op.query.as_ref().map(|q| format_ident!("{}", q));
        let body = op.body.as_ref().map(|b| format_ident!("{}", b));
        let call = match (&query, &body) {
            (Some(q), Some(b)) => {
                args.push(quote!(query: &#q));
                args.push(quote!(params: &#b));
                let method = format_ident!("{}", op.method.as_str());
                quote!(client.send(#rt::Method::#method, path, query, Some(params)))
            }
            (Some(params), None) | (None, Some(params)) => {
                args.push(quote!(params: &#params));
                self.simple_call(op, quote!(params))
            }
            (None, None) => self.simple_call(op, quote!(&())),
        };
        quote! {
            #doc
            pub fn #name(#(#args),*) -> #rt::Request<#response> {
                #path
                #call
            }
        }
    }

    /// `client.get(path, query)`, `client.post(path, form)`, `client.delete(path, query)`.
    fn simple_call(&self, op: &Operation, params: TokenStream) -> TokenStream {
        let rt = &self.rt;
        match op.method {
            Method::Get => quote!(client.get(path, #params)),
            Method::Post => quote!(client.post(path, #params)),
            Method::Delete => quote!(client.delete(path, #params)),
            other => {
                let method = format_ident!("{}", other.as_str());
                quote!(client.send(#rt::Method::#method, path, &(), Some(#params)))
            }
        }
    }
}
