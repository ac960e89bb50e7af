//! The evidence register: files stored once by SHA-256 in chunks, streamed back, refused over
//! the limit without leaving anything, items with optimistic versions, file versions kept,
//! links, and every change in the history and the assessment's revision.

use super::{document, email, stores};
use aimsgap_store::{BlobRef, CHUNK_BYTES, EvidenceMeta, NewFile, Store, StoreError, is_sha256};
use bytes::Bytes;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `size` bytes of a pattern that differs per `seed`.
fn content(size: usize, seed: u8) -> Vec<u8> {
    (0..size)
        .map(|n| (n as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// The bytes as a stream of pieces of `piece` bytes, as an upload arrives.
fn pieces(
    bytes: &[u8],
    piece: usize,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + use<> {
    let chunks: Vec<Result<Bytes, std::io::Error>> = bytes
        .chunks(piece)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    futures_util::stream::iter(chunks)
}

async fn read_all(store: &Store, sha256: &str) -> (Vec<u8>, usize, usize) {
    let mut stream = std::pin::pin!(store.blob_chunks(sha256).await.unwrap());
    let mut all = Vec::new();
    let mut count = 0;
    let mut largest = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        count += 1;
        largest = largest.max(chunk.len());
        all.extend_from_slice(&chunk);
    }
    (all, count, largest)
}

async fn chunk_rows(store: &Store) -> u64 {
    store.stored_chunks().await.unwrap()
}

async fn setup(store: &Store) -> (String, String) {
    let owner = store
        .create_user(&email(), "Olive Owner", "h")
        .await
        .unwrap();
    let org = store.create_organization("Acme", &owner.id).await.unwrap();
    let meta = store
        .create_assessment(&org.id, "evidence", &document(), &owner.id)
        .await
        .unwrap();
    (owner.id, meta.id)
}

fn meta(title: &str, links: &[&str]) -> EvidenceMeta {
    EvidenceMeta {
        title: title.into(),
        kind: "approved_document".into(),
        effective: Some("2026-03-01".into()),
        review_by: Some("2027-03-01".into()),
        owner: Some("Chief Risk Officer".into()),
        approved_by: Some("The board".into()),
        approved_on: Some("2026-02-20".into()),
        links: links.iter().map(|l| l.to_string()).collect(),
    }
}

#[tokio::test]
async fn files_are_stored_once_by_hash_in_chunks_and_stream_back_whole() {
    for (backend, store) in stores().await {
        // Two and a half chunks, arriving in odd-sized pieces.
        let bytes = content(CHUNK_BYTES * 5 / 2, 7);
        let first = store
            .write_blob(pieces(&bytes, 70_001), 10 * CHUNK_BYTES as u64)
            .await
            .unwrap();
        assert_eq!(
            first,
            BlobRef {
                sha256: sha256_hex(&bytes),
                size: bytes.len() as u64
            },
            "{backend}"
        );
        assert!(is_sha256(&first.sha256));
        let (back, count, largest) = read_all(&store, &first.sha256).await;
        assert_eq!(back, bytes, "{backend}: the bytes read back differ");
        assert_eq!(count, 3, "{backend}: 2.5 MiB is three chunks");
        assert!(
            largest <= CHUNK_BYTES,
            "{backend}: a chunk of {largest} bytes"
        );

        // The same file again is stored once.
        let rows_before = chunk_rows(&store).await;
        let again = store
            .write_blob(pieces(&bytes, 1 << 20), 10 * CHUNK_BYTES as u64)
            .await
            .unwrap();
        assert_eq!(again, first);
        if backend == "sqlite" {
            assert_eq!(chunk_rows(&store).await, rows_before, "{backend}");
        }

        // An empty file is a file.
        let empty = store.write_blob(pieces(&[], 1), 10).await.unwrap();
        assert_eq!(empty.size, 0);
        assert_eq!(read_all(&store, &empty.sha256).await.0, Vec::<u8>::new());

        assert!(matches!(
            store.blob_chunks(&sha256_hex(b"never stored")).await.err(),
            Some(StoreError::NotFound)
        ));
    }
}

#[tokio::test]
async fn a_file_over_the_limit_or_a_failing_upload_leaves_nothing_behind() {
    for (backend, store) in stores().await {
        let before = chunk_rows(&store).await;
        let bytes = content(CHUNK_BYTES * 3, 9);
        let refused = store
            .write_blob(pieces(&bytes, 100_000), 2 * CHUNK_BYTES as u64)
            .await;
        match refused {
            Err(StoreError::TooLarge { limit }) => assert_eq!(limit, 2 * CHUNK_BYTES as u64),
            other => panic!("{backend}: expected TooLarge, got {other:?}"),
        }
        // The PostgreSQL database is shared with tests writing at the same time, so rows
        // are counted on the private SQLite one.
        if backend == "sqlite" {
            assert_eq!(chunk_rows(&store).await, before, "{backend}");
        }
        assert!(store.blob(&sha256_hex(&bytes)).await.unwrap().is_none());

        let mut items: Vec<Result<Bytes, std::io::Error>> =
            vec![Ok(Bytes::from(content(CHUNK_BYTES + 10, 3)))];
        items.push(Err(std::io::Error::other("connection reset")));
        let failed = store
            .write_blob(futures_util::stream::iter(items), u64::MAX)
            .await;
        match failed {
            Err(StoreError::Invalid { field, message }) => {
                assert_eq!(field, "file");
                assert!(message.contains("connection reset"), "{message}");
            }
            other => panic!("{backend}: expected Invalid, got {other:?}"),
        }
        if backend == "sqlite" {
            assert_eq!(chunk_rows(&store).await, before, "{backend}");
        }
    }
}

#[tokio::test]
async fn evidence_items_keep_versions_links_and_history() {
    for (backend, store) in stores().await {
        let (actor, assessment) = setup(&store).await;
        let first = content(5000, 1);
        let blob = store
            .write_blob(pieces(&first, 999), 1 << 20)
            .await
            .unwrap();
        let revision = store
            .assessment_access(&assessment, &actor)
            .await
            .unwrap()
            .unwrap()
            .1;
        let item = store
            .create_evidence(
                &assessment,
                &actor,
                &meta("AI policy", &["A.2.2", "5.2", "5.2"]),
                Some(NewFile {
                    blob: blob.clone(),
                    file_name: "../../policy.pdf".into(),
                    media_type: "Application/PDF; charset=x".into(),
                }),
            )
            .await
            .unwrap();
        assert_eq!(
            item.meta.links,
            ["5.2", "A.2.2"],
            "{backend}: sorted, once each"
        );
        assert_eq!(item.version, 1);
        let file = item.file.clone().unwrap();
        assert_eq!((file.number, file.size), (1, 5000));
        assert_eq!(file.file_name, "policy.pdf");
        assert_eq!(file.media_type, "application/pdf");
        assert_eq!(file.sha256, blob.sha256);
        let after = store
            .assessment_access(&assessment, &actor)
            .await
            .unwrap()
            .unwrap()
            .1;
        assert_eq!(
            after,
            revision + 1,
            "{backend}: results recompute after a change"
        );

        // Listed with links and file; found by id.
        let listed = store.evidence_items(&assessment).await.unwrap();
        assert_eq!(listed, vec![item.clone()], "{backend}");
        assert_eq!(
            store.evidence_item(&assessment, &item.id).await.unwrap(),
            Some(item.clone())
        );
        // Another assessment does not see it.
        let (_, other) = setup(&store).await;
        assert_eq!(store.evidence_item(&other, &item.id).await.unwrap(), None);
        assert!(store.evidence_items(&other).await.unwrap().is_empty());

        // A stale update changes nothing and returns the current item.
        let mut changed = meta("AI policy v2", &["5.2"]);
        changed.review_by = Some("2026-01-01".into());
        match store
            .update_evidence(&assessment, &item.id, &actor, &changed, 7)
            .await
        {
            Err(StoreError::Conflict(current)) => {
                assert_eq!(current.version, 1);
                assert_eq!(current.value.unwrap()["title"], "AI policy");
            }
            other => panic!("{backend}: expected a conflict, got {other:?}"),
        }
        let updated = store
            .update_evidence(&assessment, &item.id, &actor, &changed, 1)
            .await
            .unwrap();
        assert_eq!(updated.version, 2);
        assert_eq!(updated.meta.links, ["5.2"]);
        assert_eq!(updated.meta.review_by.as_deref(), Some("2026-01-01"));
        assert_eq!(updated.file, item.file, "metadata edits keep the file");

        // A new file makes version 2 and keeps version 1.
        let second = content(3000, 2);
        let blob2 = store
            .write_blob(pieces(&second, 512), 1 << 20)
            .await
            .unwrap();
        let replaced = store
            .replace_evidence_file(
                &assessment,
                &item.id,
                &actor,
                NewFile {
                    blob: blob2.clone(),
                    file_name: "policy-v2.pdf".into(),
                    media_type: "application/pdf".into(),
                },
                2,
            )
            .await
            .unwrap();
        assert_eq!(replaced.version, 3);
        assert_eq!(replaced.file.as_ref().unwrap().number, 2);
        let versions = store
            .evidence_versions(&assessment, &item.id)
            .await
            .unwrap();
        assert_eq!(
            versions
                .iter()
                .map(|v| (v.number, v.sha256.clone()))
                .collect::<Vec<_>>(),
            vec![(2, blob2.sha256.clone()), (1, blob.sha256.clone())],
            "{backend}"
        );
        assert_eq!(
            store
                .evidence_file(&assessment, &item.id, Some(1))
                .await
                .unwrap()
                .sha256,
            blob.sha256
        );
        assert!(matches!(
            store.evidence_file(&assessment, &item.id, Some(3)).await,
            Err(StoreError::NotFound)
        ));

        // A file that was never stored is refused by name.
        let missing = store
            .replace_evidence_file(
                &assessment,
                &item.id,
                &actor,
                NewFile {
                    blob: BlobRef {
                        sha256: sha256_hex(b"absent"),
                        size: 6,
                    },
                    file_name: "x".into(),
                    media_type: "text/plain".into(),
                },
                3,
            )
            .await;
        assert!(matches!(missing, Err(StoreError::Invalid { ref field, .. }) if field == "file"));

        // Bad metadata names its field.
        for (field, bad) in [
            (
                "title",
                EvidenceMeta {
                    title: " ".into(),
                    ..meta("x", &[])
                },
            ),
            (
                "kind",
                EvidenceMeta {
                    kind: "rumour".into(),
                    ..meta("x", &[])
                },
            ),
            (
                "effective",
                EvidenceMeta {
                    effective: Some("2026-13-01".into()),
                    ..meta("x", &[])
                },
            ),
            (
                "review_by",
                EvidenceMeta {
                    review_by: Some("soon".into()),
                    ..meta("x", &[])
                },
            ),
            (
                "links",
                EvidenceMeta {
                    links: vec!["5.2\u{7}".into()],
                    ..meta("x", &[])
                },
            ),
        ] {
            match store.create_evidence(&assessment, &actor, &bad, None).await {
                Err(StoreError::Invalid { field: got, .. }) => assert_eq!(got, field),
                other => panic!("{backend}: expected {field} refused, got {other:?}"),
            }
        }

        // Deleting needs the current version; the history keeps every step.
        assert!(matches!(
            store
                .delete_evidence(&assessment, &item.id, &actor, 2)
                .await,
            Err(StoreError::Conflict(_))
        ));
        store
            .delete_evidence(&assessment, &item.id, &actor, 3)
            .await
            .unwrap();
        assert!(store.evidence_items(&assessment).await.unwrap().is_empty());
        assert!(matches!(
            store.evidence_versions(&assessment, &item.id).await,
            Err(StoreError::NotFound)
        ));
        let history: Vec<_> = store
            .history(&assessment)
            .await
            .unwrap()
            .into_iter()
            .filter(|h| h.entity == "evidence")
            .collect();
        assert_eq!(
            history.len(),
            4,
            "{backend}: create, update, new file, delete"
        );
        assert!(history.iter().all(|h| h.actor == actor && h.key == item.id));
        assert_eq!(history[0].new.as_ref().unwrap()["title"], "AI policy");
        assert_eq!(
            history[2].new.as_ref().unwrap()["file"]["sha256"],
            blob2.sha256.as_str()
        );
        assert!(history[3].new.is_none());
        assert_eq!(history[3].old.as_ref().unwrap()["title"], "AI policy v2");
    }
}
